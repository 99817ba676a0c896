#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the SQL the search endpoints run, for one caller, on the filled database of
# bench/search/run.sh. Prints one line per statement (shape, planning and execution time in ms, rows) and writes the
# full plans to the file given as PLANS (default: stdout after the table).
#
#   PGPORT=... DATA=<data dir> bench/search/explain.sh CALLER_ID [LABEL]     # CALLER_ID 0: anonymous
#   SHAPES="^(samples_rare|data_)" bench/search/explain.sh 2                 # only the shapes this regex matches
#
# The permission conditions (AccessPolicy.*Visible and the CALLER_SETS they need), the text filters (SearchText.contains,
# with the trigrams bio.flow.search.Trigrams looks up, sampled from this database) and the quick search's statement
# (QuickSearch) are taken from the server's jar (jshell), with the caller and the parameters written in as constants,
# as the server's custom plans see them (SearchListing.matching: sent unnamed, so planned for the values bound). The
# advanced searches' other filters are written here as their classes write them. For each advanced shape: the statement that finds the matches (SearchListing.read:
# ids ORDER BY created DESC, id DESC LIMIT 121 for the first page of 20; the page's 20 rows are then read by id,
# which costs nothing here); for the quick search, its one statement (the default limit 10: 100 read, 10 walked), planned
# as the server plans it (see quick_statements).
set -euo pipefail
CALLER="${1:?usage: explain.sh CALLER_ID [LABEL]}"
LABEL="${2:-user $CALLER}"
PLANS="${PLANS:-}"
q() { PSQL -At -c "$1"; }

C="$CALLER"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"
JAR="${JAR:-$HERE/../../server/target/flow-server.jar}"
[ -f "$JAR" ] || { echo "no server jar at $JAR: build it (mvn -B -q package -pl server -am -DskipTests)" >&2; exit 1; }
if [ "$C" = 0 ]; then CALLER_SQL=0; ADMIN=false; else CALLER_SQL=$C; ADMIN=false; fi
# The caller's parameters: a project they may read (their newest own one; anonymous: a public one), a sample they may
# read that has a fileset of paired reads (its name, S0123457 of S0123457_brain, is the rare word), one of the pipelines.
if [ "$C" = 0 ]; then
  PROJECT=$(q "SELECT id FROM projects WHERE is_public ORDER BY created DESC, id DESC LIMIT 1")
else
  PROJECT=$(q "SELECT id FROM projects WHERE owner_id = $C ORDER BY created DESC, id DESC LIMIT 1")
fi
SAMPLE=$(q "SELECT s.id FROM samples s WHERE s.project_id = $PROJECT AND s.id % 20 < 5 ORDER BY s.id LIMIT 1")
PIPELINE=$(q "SELECT id FROM pipelines WHERE name = 'ChIP-seq'")
RARE=$(q "SELECT split_part(name, '_', 1) FROM samples WHERE id = $SAMPLE")   # that sample (S0123457_brain, say), its 2-4 files
COMMON=${COMMON:-liver}   # 1 in 8 sample names, their files (COMMON=ive: the same rows, never as a whole word)
# The texts the shapes below filter by, besides RARE and COMMON.
TEXTS=("Bench project 4242" project "Variant calling of samples #6172" rna paired)

# From the code itself, one per line: the permission conditions; each text filter as SearchText.contains writes it
# for its column, with the trigrams Trigrams would look up (sampled here from this database, as the server does);
# the quick search's statement for RARE and COMMON.
FROM_CODE=$(mktemp)
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }
{
  cat <<'JSH'
import bio.flow.access.AccessPolicy;
import bio.flow.search.*;
System.out.println("caller_sets\t" + AccessPolicy.CALLER_SETS);
System.out.println("sample\t" + AccessPolicy.sampleVisible("ALIAS"));
System.out.println("execution\t" + AccessPolicy.executionVisible("ALIAS"));
System.out.println("data\t" + AccessPolicy.dataVisible("ALIAS"));
System.out.println("project\t" + AccessPolicy.projectVisible("ALIAS"));
System.out.println("sample_of_row\t" + AccessPolicy.sampleOfRowVisible("ALIAS.sample_id"));
System.out.println("sample_in_project\t" + AccessPolicy.sampleInVisibleProject("ALIAS", "NAMED"));
System.out.println("data_in_project\t" + AccessPolicy.dataInVisibleProject("ALIAS", "NAMED"));
System.out.println("data_of_sample\t" + AccessPolicy.dataOfVisibleSample("ALIAS", "NAMED"));
var trigrams = new Trigrams(org.jdbi.v3.core.Jdbi.create(System.getenv("EXPLAIN_JDBC_URL"), "postgres", System.getenv("PGPASSWORD")));
trigrams.sample();
void contains(String alias, SearchKey key, String text) {
    System.out.println("contains " + key + " " + text + "\t" + SearchText.contains(key.of(alias).sql(), "text", trigrams.lookups(key, text)));
}
var quick = Class.forName("bio.flow.search.QuickSearch").getDeclaredMethod("statement", String.class, Trigrams.class);
quick.setAccessible(true);
Object part(Object record, String accessor) throws Exception {
    var m = record.getClass().getDeclaredMethod(accessor);
    m.setAccessible(true);
    return m.invoke(record);
}
// the quick search's statement for a text, its parameters written in (the default limit: 100 read, 10 walked), and
// whether the server plans it once. Written in as constants, the parameters that choose each column's way leave
// the parts of the ways not taken out of the plan; the server's plan holds them, and skips them (a one-time filter).
void quick(String text) throws Exception {
    Object statement = quick.invoke(null, text, trigrams);
    String sql = ((String) part(statement, "sql")).replace(":read", "100").replace(":walk", "10");
    var parameters = new java.util.TreeMap<String, Object>(java.util.Comparator.comparing(String::length).reversed().thenComparing(java.util.Comparator.naturalOrder()));
    for (var e : ((java.util.Map<?, ?>) part(statement, "parameters")).entrySet()) parameters.put((String) e.getKey(), e.getValue());
    for (var e : parameters.entrySet()) {
        Object v = e.getValue();
        sql = sql.replace(":" + e.getKey(), v instanceof Boolean ? v.toString() : "'" + v.toString().replace("'", "''") + "'");
    }
    System.out.println("quick " + text + "\t" + sql);
    System.out.println("quickplan " + text + "\t" + ((Boolean) part(statement, "generic") ? "generic" : "custom"));
}
JSH
  for t in "$RARE" "$COMMON" "${TEXTS[@]}"; do
    for k in s:SAMPLE_NAME p:PROJECT_NAME p:PROJECT_DESCRIPTION d:DATA_FILENAME e:EXECUTION_NAME f:FILESET_NAME; do
      echo "contains(\"${k%%:*}\", SearchKey.${k#*:}, $(jstr "$t"));"
    done
  done
  for t in "$RARE" "$COMMON"; do echo "quick($(jstr "$t"));"; done
  echo "/exit"
} >"$FROM_CODE.jsh"
PGPASSWORD="$(cat "$DATA/db-password")" EXPLAIN_JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres" \
  timeout 300 jshell --class-path "$JAR" "$FROM_CODE.jsh" 2>/dev/null | grep -P '^[^\t]+\t' >"$FROM_CODE"
rm -f "$FROM_CODE.jsh"
constants() { sed -e "s/:caller/$CALLER_SQL/g" -e "s/:admin/$ADMIN/g"; }
raw() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$FROM_CODE"; }
code() { raw "$1" | constants; }
visible() { code "$1" | sed "s/ALIAS\./$2./g"; }
sample_visible() { visible sample "$1"; }
execution_visible() { visible execution "$1"; }
data_visible() { visible data "$1"; }
project_visible() { visible project "$1"; }
sample_of_row_visible() { visible sample_of_row "$1"; }
# the filters naming a project or sample, which imply the row's visibility: named ALIAS ID
named() { code "$1" | sed -e "s/ALIAS\./$2./g" -e "s/NAMED/$3/g"; }
# a statement's :NAME written as the SQL literal TEXT
literal() { sed "s/:$1\b/'$(printf '%s' "$2" | sed -e "s/'/''/g" -e 's/[\/&]/\\&/g')'/g"; }
# SearchText.contains / Filters.textMatches: contains KEY TEXT (a SearchKey: SAMPLE_NAME, DATA_FILENAME, ...)
contains() { code "contains $1 $2" | literal text "$2"; }
SV=$(sample_visible s); EV=$(execution_visible e); DV=$(data_visible d); PV=$(project_visible p); FV=$(sample_of_row_visible f)

# shape<TAB>FROM<TAB>WHERE[<TAB>10 (a quick search rank: LIMIT 10) or count (the count only)]
SHAPE_LIST=$(cat <<EOF
samples_rare	samples s	$SV AND $(contains SAMPLE_NAME "$RARE")
samples_common	samples s	$SV AND $(contains SAMPLE_NAME "$COMMON")
samples_organism	samples s	$SV AND s.organism_id = 'human'
samples_project	samples s	$(named sample_in_project s $PROJECT)
samples_meta_rare	samples s	$SV AND s.metadata @> '{"donor": "D0042"}'
samples_meta_common	samples s	$SV AND s.metadata @> '{"sequencer": "NovaSeq 6000"}'
projects_rare	projects p	$PV AND ($(contains PROJECT_NAME 'Bench project 4242') OR $(contains PROJECT_DESCRIPTION 'Bench project 4242'))
projects_common	projects p	$PV AND ($(contains PROJECT_NAME project) OR $(contains PROJECT_DESCRIPTION project))
projects_organism	projects p	$PV AND p.organism_id = 'human'
projects_has_samples	projects p	$PV AND EXISTS (SELECT 1 FROM samples hs WHERE hs.project_id = p.id)
data_rare	data d	d.status = 'ready' AND $(contains DATA_FILENAME "$RARE") AND $DV
data_common	data d	d.status = 'ready' AND $(contains DATA_FILENAME "$COMMON") AND $DV
data_fastq_pattern	data d	d.status = 'ready' AND (d.filename_key LIKE '%' || search_key('.fastq.gz') || '%' AND (d.filename LIKE '%.fastq.gz' OR d.filename ILIKE '%.fastq.gz')) AND $DV
data_type_fastq	data d	d.status = 'ready' AND d.data_type = 'FASTQ' AND $DV
data_type_vcf	data d	d.status = 'ready' AND d.data_type = 'VCF' AND $DV
data_size_narrow	data d	d.status = 'ready' AND d.size >= 1000000000 AND d.size <= 1001000000 AND $DV
data_size_large	data d	d.status = 'ready' AND d.size >= 10000000000 AND $DV
data_project	data d	d.status = 'ready' AND $(named data_in_project d $PROJECT)
data_sample	data d	d.status = 'ready' AND $(named data_of_sample d $SAMPLE)
executions_rare	executions e	$(contains EXECUTION_NAME 'Variant calling of samples #6172') AND $EV
executions_common	executions e	$(contains EXECUTION_NAME rna) AND $EV
executions_completed	executions e	e.status = 'completed' AND $EV
executions_failed	executions e	e.status = 'failed' AND $EV
executions_pipeline	executions e	e.pipeline_version_id IN (SELECT id FROM pipeline_versions WHERE pipeline_id = $PIPELINE) AND $EV
executions_sample	executions e	e.id IN (SELECT es.execution_id FROM execution_samples es WHERE es.sample_id = (SELECT vs.id FROM samples vs WHERE vs.id = $SAMPLE AND $(sample_visible vs))) AND $EV
filesets_all_with_data	filesets f	$FV AND EXISTS (SELECT 1 FROM data fd WHERE fd.fileset_id = f.id AND fd.status = 'ready')
filesets_paired	filesets f	$FV AND $(contains FILESET_NAME paired)
filesets_sample	filesets f	$FV AND f.sample_id = $SAMPLE
EOF
)

# QuickSearch: its one statement (from the code), for a rare and a common text
# (a statement the server plans once, QuickSearch.Statement#generic: PREPAREd with the caller and the text as its
# parameters and EXECUTEd under a generic plan, as the server's connections keep it; the second run is explained)
quick_statements() {
  if [ "$(raw "quickplan $1")" = generic ]; then
    printf 'quick\t-\t%s\tquickgeneric\t%s\n' "$(raw "quick $1" | sed -e 's/:caller\b/$1/g' -e 's/:admin\b/$2/g' -e 's/:q\b/$3/g')" "$1"
  else
    printf 'quick\t-\t%s\tquick\n' "$(code "quick $1" | literal q "$1")"
  fi
}

ALL=$( { echo "$SHAPE_LIST"; quick_statements "$RARE" | sed 's/^quick/quick_rare/'; quick_statements "$COMMON" | sed 's/^quick/quick_common/'; } )
SHAPES="${SHAPES:-}"

echo "== EXPLAIN ANALYZE for $LABEL (caller $C; project $PROJECT, sample $SAMPLE): planning and execution time in ms"
printf '%-36s %-6s %10s %10s %8s\n' shape stmt plan_ms exec_ms rows
plans=$(mktemp)
trap 'rm -f "$plans" "$FROM_CODE"' EXIT
while IFS=$'\t' read -r shape from where extra text; do
  [ -n "$shape" ] || continue
  if [ -n "$SHAPES" ] && ! [[ "$shape" =~ $SHAPES ]]; then continue; fi
  alias=${from#* }; alias=${alias%% *}
  case "$extra" in
    quick|quickgeneric) stmts=("stmt|$where") ;;
    *) stmts=("match|$(code caller_sets) SELECT $alias.id FROM $from WHERE $where ORDER BY $alias.created DESC, $alias.id DESC LIMIT 121") ;;
  esac
  for st in "${stmts[@]}"; do
    kind=${st%%|*}; sql=${st#*|}
    if [ "$extra" = quickgeneric ]; then
      args="$CALLER_SQL, $ADMIN, '$(printf '%s' "$text" | sed "s/'/''/g")'"
      out=$(PSQL -At -c "SET plan_cache_mode = force_generic_plan; SET statement_timeout = '10s'" \
            -c "PREPARE s(bigint, boolean, text) AS $sql" -c "EXECUTE s($args)" -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE s($args)" 2>&1 || true)
    else
      out=$(PSQL -At -c "SET plan_cache_mode = force_custom_plan; SET statement_timeout = '10s'" \
            -c "EXPLAIN (ANALYZE, BUFFERS) $sql" 2>&1 || true)
    fi
    ms=$(printf '%s\n' "$out" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
    plan_ms=$(printf '%s\n' "$out" | sed -n 's/^Planning Time: \([0-9.]*\) ms/\1/p')
    rows=$(printf '%s\n' "$out" | grep -m1 'actual time=' | sed 's/.*actual time=[0-9.]*\.\.[0-9.]* rows=\([0-9]*\).*/\1/')
    [ -n "$ms" ] || ms="ERR"
    printf '%-36s %-6s %10s %10s %8s\n' "$shape" "$kind" "$plan_ms" "$ms" "$rows"
    { echo "---- $shape $kind ($LABEL)"; echo "$sql"; echo "$out"; echo; } >>"$plans"
  done
done <<<"$ALL"
if [ -n "$PLANS" ]; then cat "$plans" >>"$PLANS"; else echo; cat "$plans"; fi
