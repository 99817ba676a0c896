#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the SQL the search endpoints run, for one caller, on the filled database of
# bench/search/run.sh. Prints one line per statement (shape, statement, execution time in ms, rows) and writes the
# full plans to the file given as PLANS (default: stdout after the table).
#
#   PGPORT=... PGPASSWORD=... bench/search/explain.sh CALLER_ID [LABEL]      # CALLER_ID 0: anonymous
#   SHAPES="^(samples_rare|data_)" bench/search/explain.sh 2                 # only the shapes this regex matches
#
# The statements are those of bio.flow.search (SampleSearch, ProjectSearch, FilesetSearch, DataSearch,
# ExecutionSearch, QuickSearch) with the caller and the parameters written in as constants, as the server's custom
# plans see them (SearchListing forces plan_cache_mode = force_custom_plan): for each shape the page's ids (ORDER BY
# created DESC, id DESC LIMIT 20: the 20 rows' items are then joined by primary key, which costs nothing here) and
# the count (count(*) over LIMIT 1001, which the server runs only when the page is full). The visibility conditions
# are copies of AccessPolicy.sampleVisible/executionVisible/dataVisible/projectVisible: keep them in step.
set -euo pipefail
CALLER="${1:?usage: explain.sh CALLER_ID [LABEL]}"
LABEL="${2:-user $CALLER}"
PLANS="${PLANS:-}"
PSQL() { psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
q() { PSQL -At -c "$1"; }

C="$CALLER"
# EXPLAIN_BEFORE=1: the visibility conditions as they were before this benchmark's changes to AccessPolicy (readable
# projects as one OR, dataVisible's EXISTS without OFFSET 0)
ADMIN=false
GH="(g.user_id = $C OR g.group_id = ANY (ARRAY(SELECT group_id FROM group_members WHERE user_id = $C AND role >= 2)))"
if [ "${EXPLAIN_BEFORE:-0}" = 1 ]; then
  RP="SELECT id FROM projects WHERE is_public OR owner_id = $C UNION SELECT g.project_id FROM project_grants g WHERE $GH"
else
  RP="SELECT id FROM projects WHERE is_public UNION SELECT id FROM projects WHERE owner_id = $C UNION SELECT g.project_id FROM project_grants g WHERE $GH"
fi
sample_visible() { echo "($ADMIN OR $1.owner_id = $C OR $1.project_id IN ($RP) OR $1.id IN (SELECT g.sample_id FROM sample_grants g WHERE $GH))"; }
execution_visible() { echo "($ADMIN OR $1.owner_id = $C OR $1.project_id IN ($RP) OR $1.id IN (SELECT g.execution_id FROM execution_grants g WHERE $GH))"; }
if [ "${EXPLAIN_BEFORE:-0}" = 1 ]; then OFF=""; else OFF=" OFFSET 0"; fi
# DataSearch's project filter: the project's samples as an array (BitmapOr of data_project and data_sample) rather
# than IN (subquery), which PostgreSQL can only test row by row over all 3,000,000 files (EXPLAIN_BEFORE=1: IN)
if [ "${EXPLAIN_BEFORE:-0}" = 1 ]; then PROJECT_SAMPLES="IN"; PROJECT_SAMPLES_END=""; else PROJECT_SAMPLES="= ANY (ARRAY"; PROJECT_SAMPLES_END=")"; fi
data_visible() { echo "($ADMIN OR $1.owner_id = $C OR $1.project_id IN ($RP) OR $1.id IN (SELECT g.data_id FROM data_grants g WHERE $GH) OR EXISTS (SELECT 1 FROM samples vs WHERE vs.id = $1.sample_id AND $(sample_visible vs)$OFF) OR EXISTS (SELECT 1 FROM executions ve WHERE ve.id = $1.execution_id AND $(execution_visible ve)$OFF))"; }
# DATA_VISIBLE=sets: the advdata branch's dataVisible (c602cb4): the readable samples and executions as sets (UNION ALL
# of index-driven arms) tested with IN
if [ "${DATA_VISIBLE:-}" = sets ]; then
  VS="SELECT id FROM samples WHERE owner_id = $C UNION ALL SELECT id FROM samples WHERE project_id = ANY (ARRAY($RP)) UNION ALL SELECT g.sample_id FROM sample_grants g WHERE $GH"
  VE="SELECT id FROM executions WHERE owner_id = $C UNION ALL SELECT id FROM executions WHERE project_id = ANY (ARRAY($RP)) UNION ALL SELECT g.execution_id FROM execution_grants g WHERE $GH"
  data_visible() { echo "($ADMIN OR $1.owner_id = $C OR $1.project_id IN ($RP) OR $1.id IN (SELECT g.data_id FROM data_grants g WHERE $GH) OR $1.sample_id IN ($VS) OR $1.execution_id IN ($VE))"; }
fi
project_visible() { echo "($ADMIN OR $1.is_public OR $1.owner_id = $C OR $1.id IN (SELECT g.project_id FROM project_grants g WHERE $GH))"; }
# SearchText.contains / Filters.textMatches
contains() { echo "(search_key('$2') <> '' AND search_key($1) LIKE '%' || search_key('$2') || '%')"; }

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
SV=$(sample_visible s); EV=$(execution_visible e); DV=$(data_visible d); PV=$(project_visible p)

# shape<TAB>FROM<TAB>WHERE[<TAB>10 (a quick search rank: LIMIT 10) or count (the count only)]
SHAPE_LIST=$(cat <<EOF
samples_rare	samples s	$SV AND $(contains s.name $RARE)
samples_common	samples s	$SV AND $(contains s.name $COMMON)
samples_organism	samples s	$SV AND s.organism_id = 'human'
samples_project	samples s	$SV AND s.project_id = $PROJECT AND EXISTS (SELECT 1 FROM projects fp WHERE fp.id = $PROJECT AND $(project_visible fp))
samples_meta_rare	samples s	$SV AND s.metadata @> '{"donor": "D0042"}'
samples_meta_common	samples s	$SV AND s.metadata @> '{"sequencer": "NovaSeq 6000"}'
projects_rare	projects p	$PV AND ($(contains p.name 'Bench project 4242') OR $(contains p.description 'Bench project 4242'))
projects_common	projects p	$PV AND ($(contains p.name project) OR $(contains p.description project))
projects_organism	projects p	$PV AND p.organism_id = 'human'
projects_has_samples	projects p	$PV AND EXISTS (SELECT 1 FROM samples hs WHERE hs.project_id = p.id)
data_rare	data d	d.status = 'ready' AND $(contains d.filename $RARE) AND $DV
data_common	data d	d.status = 'ready' AND $(contains d.filename $COMMON) AND $DV
data_fastq_pattern	data d	d.status = 'ready' AND d.filename ILIKE '%.fastq.gz' AND $DV
data_type_fastq	data d	d.status = 'ready' AND d.data_type = 'FASTQ' AND $DV
data_type_vcf	data d	d.status = 'ready' AND d.data_type = 'VCF' AND $DV
data_size_narrow	data d	d.status = 'ready' AND d.size >= 1000000000 AND d.size <= 1001000000 AND $DV
data_size_large	data d	d.status = 'ready' AND d.size >= 10000000000 AND $DV
data_project	data d	d.status = 'ready' AND (d.project_id = (SELECT vp.id FROM projects vp WHERE vp.id = $PROJECT AND $(project_visible vp)) OR d.sample_id $PROJECT_SAMPLES (SELECT ps.id FROM samples ps WHERE ps.project_id = (SELECT vp.id FROM projects vp WHERE vp.id = $PROJECT AND $(project_visible vp)))$PROJECT_SAMPLES_END) AND $DV
data_sample	data d	d.status = 'ready' AND d.sample_id = (SELECT vs.id FROM samples vs WHERE vs.id = $SAMPLE AND $(sample_visible vs)) AND $DV
executions_rare	executions e	$(contains e.name 'Variant calling of samples #6172') AND $EV
executions_common	executions e	$(contains e.name rna) AND $EV
executions_completed	executions e	e.status = 'completed' AND $EV
executions_failed	executions e	e.status = 'failed' AND $EV
executions_pipeline	executions e	e.pipeline_version_id IN (SELECT id FROM pipeline_versions WHERE pipeline_id = $PIPELINE) AND $EV
executions_sample	executions e	e.id IN (SELECT es.execution_id FROM execution_samples es WHERE es.sample_id = (SELECT vs.id FROM samples vs WHERE vs.id = $SAMPLE AND $(sample_visible vs))) AND $EV
filesets_all_with_data	filesets f JOIN samples s ON s.id = f.sample_id	$SV AND EXISTS (SELECT 1 FROM data fd WHERE fd.fileset_id = f.id AND fd.status = 'ready')
filesets_paired	filesets f JOIN samples s ON s.id = f.sample_id	$SV AND $(contains f.name paired)
filesets_sample	filesets f JOIN samples s ON s.id = f.sample_id	$SV AND f.sample_id = $SAMPLE
EOF
)

# QuickSearch: per kind, the ranks in order (each LIMIT 10 here, the default), then the capped count
quick_key() { q "SELECT search_key('$1')"; }
quick_statements() {
  local query="$1" key kind table name vis desc
  key=$(quick_key "$query")
  for kind in samples projects executions data; do
    case $kind in
      samples) table=samples; name=x.name; vis=$(sample_visible x); desc= ;;
      projects) table=projects; name=x.name; vis=$(project_visible x); desc=x.description ;;
      executions) table=executions; name=x.name; vis=$(execution_visible x); desc= ;;
      data) table=data; name=x.filename; vis="x.status = 'ready' AND $(data_visible x)"; desc= ;;
    esac
    local k="search_key($name)" c="search_key($name) LIKE '%' || '$key' || '%'" p="search_key($name) LIKE '$key' || '%'"
    echo "quick_${kind}_exact	$table x	$k = '$key' AND $vis	10"
    echo "quick_${kind}_prefix	$table x	$p AND $k <> '$key' AND $vis	10"
    # QuickSearch (with V22): the word rank is a lookup in search_word_runs' GIN index, ordered by an expression no
    # index has (so that PostgreSQL reads the GIN index rather than walking the created index)
    local w="search_word_runs($name) @> ARRAY[CAST('$key' AS text)]"
    echo "quick_${kind}_word	$table x	$w AND NOT $p AND $vis	10w"
    echo "quick_${kind}_substring	$table x	$c AND NOT $p AND NOT $w AND $vis	10"
    if [ -n "$desc" ]; then
      echo "quick_${kind}_description	$table x	search_key($desc) LIKE '%' || '$key' || '%' AND NOT $c AND $vis	10"
      echo "quick_${kind}_count	$table x	($c OR search_key($desc) LIKE '%' || '$key' || '%') AND $vis	count"
    else
      echo "quick_${kind}_count	$table x	$c AND $vis	count"
    fi
  done
}

ALL=$( { echo "$SHAPE_LIST"; quick_statements "$RARE" | sed 's/^quick_/quick_rare_/'; quick_statements "$COMMON" | sed 's/^quick_/quick_common_/'; } )
SHAPES="${SHAPES:-}"

echo "== EXPLAIN ANALYZE for $LABEL (caller $C; project $PROJECT, sample $SAMPLE): execution time in ms"
printf '%-36s %-6s %10s %8s\n' shape stmt ms rows
plans=$(mktemp)
trap 'rm -f "$plans"' EXIT
while IFS=$'\t' read -r shape from where extra; do
  [ -n "$shape" ] || continue
  if [ -n "$SHAPES" ] && ! [[ "$shape" =~ $SHAPES ]]; then continue; fi
  alias=${from#* }; alias=${alias%% *}
  ids="SELECT $alias.id FROM $from WHERE $where"
  case "$extra" in
    count) stmts=("count|SELECT count(*) FROM ($ids LIMIT 1001) m") ;;
    10) stmts=("page|$ids ORDER BY $alias.created DESC, $alias.id DESC LIMIT 10") ;;
    10w) stmts=("page|$ids ORDER BY $alias.created + interval '0 s' DESC, $alias.id DESC LIMIT 10") ;;
    *) stmts=("page|$ids ORDER BY $alias.created DESC, $alias.id DESC LIMIT 20" "count|SELECT count(*) FROM ($ids LIMIT 1001) m") ;;
  esac
  for st in "${stmts[@]}"; do
    kind=${st%%|*}; sql=${st#*|}
    out=$(PSQL -At -c "SET plan_cache_mode = force_custom_plan; SET statement_timeout = '10s'" \
          -c "EXPLAIN (ANALYZE, BUFFERS) $sql" 2>&1 || true)
    ms=$(printf '%s\n' "$out" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
    rows=$(printf '%s\n' "$out" | sed -n '1s/.*actual time=[0-9.]*\.\.[0-9.]* rows=\([0-9]*\).*/\1/p')
    [ -n "$ms" ] || ms="ERR"
    printf '%-36s %-6s %10s %8s\n' "$shape" "$kind" "$ms" "$rows"
    { echo "---- $shape $kind ($LABEL)"; echo "$sql"; echo "$out"; echo; } >>"$plans"
  done
done <<<"$ALL"
if [ -n "$PLANS" ]; then cat "$plans" >>"$PLANS"; else echo; cat "$plans"; fi
