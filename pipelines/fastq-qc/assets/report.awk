# The HTML report: reads the length distributions ("sample read length count" rows, header lines skipped) on
# stdin and the summary TSV named by -v summary; writes one self-contained HTML page (no scripts, no links out).
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
BEGIN { FS = "\t" }
$1 == "sample" { next }
{
  key = $1 "\t" $2
  if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key }
  len[key, ++nlen[key]] = $3; cnt[key, nlen[key]] = $4
  if ($4 > peak[key]) peak[key] = $4
}
END {
  print "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>FASTQ QC report</title>"
  print "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:2em}"
  print "th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
  print "th{background:#f3f3f3}.bar{fill:#4a7fb5}h2{margin-top:2em}</style></head><body>"
  print "<h1>FASTQ QC report</h1>"
  print "<p>Mean quality is the mean Phred+33 score over all bases; GC % counts G and C over all bases; the share of bases with a quality of at least " minq " is in the column pct_bases_q" minq ".</p>"
  print "<h2>Summary</h2><table>"
  row = 0
  while ((getline line < summary) > 0) {
    n = split(line, f, "\t")
    cell = row == 0 ? "th" : "td"
    printf "<tr>"
    for (i = 1; i <= n; i++) printf "<%s>%s</%s>", cell, esc(f[i]), cell
    print "</tr>"
    row++
  }
  close(summary)
  print "</table>"
  print "<h2>Read length distributions</h2>"
  for (k = 1; k <= nkeys; k++) {
    key = keys[k]; split(key, sr, "\t"); m = nlen[key]
    w = 12; h = 120
    printf "<h3>%s, read %s</h3>\n", esc(sr[1]), esc(sr[2])
    printf "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"length distribution\">\n", m * w + 20, h + 20
    for (i = 1; i <= m; i++) {
      bh = peak[key] > 0 ? int(h * cnt[key, i] / peak[key] + 0.5) : 0
      printf "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>length %s: %s reads</title></rect>\n", 10 + (i - 1) * w, h - bh, w - 2, bh, len[key, i], cnt[key, i]
    }
    printf "</svg>\n<table><tr><th>length</th><th>reads</th></tr>\n"
    for (i = 1; i <= m; i++) printf "<tr><td>%s</td><td>%s</td></tr>\n", len[key, i], cnt[key, i]
    print "</table>"
  }
  print "</body></html>"
}
