#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the three statements of GET /analytics (user stats, group stats, recent activity) for
# one caller, on the database of bench/analytics/run.sh. Prints one line per statement (planning and execution time
# in ms) and writes the full plans to PLANS (default: stdout after the table). The SQL comes from the server's jar
# (AnalyticsRoutes' USER_STATS, GROUP_STATS, RECENT_SQL, read with jshell), not from a copy; the caller is written in
# as a constant, as a custom plan sees it.
#
#   PGPORT=<port> DATA=<data dir> bench/analytics/explain.sh USERNAME [LABEL]
set -euo pipefail
USER_NAME="${1:?usage: explain.sh USERNAME [LABEL]}"
LABEL="${2:-$USER_NAME}"
PLANS="${PLANS:-}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"
JAR="${JAR:-$HERE/../../server/target/flow-server.jar}"
[ -f "$JAR" ] || { echo "no server jar at $JAR: build it (./flow build)" >&2; exit 1; }
q() { PSQL -At -c "$1"; }

read -r CALLER ADMIN <<<"$(q "SELECT id, is_admin FROM users WHERE username = '$USER_NAME'" | tr '|' ' ')"
[ -n "$CALLER" ] || { echo "no user $USER_NAME" >&2; exit 1; }
[ "$ADMIN" = t ] && ADMIN=true || ADMIN=false
TODAY=$(date -u +%F)

FROM_CODE=$(mktemp)
cat >"$FROM_CODE.jsh" <<'JSH'
var c = Class.forName("bio.flow.analytics.AnalyticsRoutes");
for (String f : new String[] {"USER_STATS", "GROUP_STATS", "RECENT_SQL"}) {
    var field = c.getDeclaredField(f);
    field.setAccessible(true);
    System.out.println(f + "\t" + field.get(null));
}
/exit
JSH
timeout 180 jshell --class-path "$JAR" "$FROM_CODE.jsh" 2>/dev/null | grep -P '^\w+\t' >"$FROM_CODE"
rm -f "$FROM_CODE.jsh"
[ "$(wc -l <"$FROM_CODE")" = 3 ] || { echo "could not read the statements from $JAR" >&2; rm -f "$FROM_CODE"; exit 1; }

OUTP=$(mktemp)
printf '%-12s %-12s %10s %10s\n' "$LABEL" statement "plan ms" "exec ms"
while IFS=$'\t' read -r name sql; do
  sql=$(echo "$sql" | sed -e "s/:caller/$CALLER/g" -e "s/:admin/$ADMIN/g" -e "s/:today/'$TODAY'/g")
  plan=$(PSQL -At -c "EXPLAIN (ANALYZE, BUFFERS) $sql")
  { echo "== $LABEL ($USER_NAME, id $CALLER, admin $ADMIN): $name"; echo "$sql"; echo "$plan"; echo; } >>"$OUTP"
  printf '%-12s %-12s %10s %10s\n' "" "$name" "$(echo "$plan" | sed -n 's/^Planning Time: \(.*\) ms/\1/p')" \
    "$(echo "$plan" | sed -n 's/^Execution Time: \(.*\) ms/\1/p')"
done <"$FROM_CODE"
rm -f "$FROM_CODE"
if [ -n "$PLANS" ]; then cat "$OUTP" >>"$PLANS"; else cat "$OUTP"; fi
rm -f "$OUTP"
