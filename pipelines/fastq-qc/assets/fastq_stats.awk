# Statistics of one FASTQ stream (4 lines a record, qualities Phred+33), read from stdin.
# Variables (-v): sample, read, files (label), minq (quality threshold), lengths (file for the length distribution).
# Prints one TSV row: sample, read, files, reads, bases, gc_percent, mean_quality, pct_bases_ge_min_quality,
# min_length, mean_length, max_length. Appends "sample read length count" rows to `lengths`.
# Exits 2 on a malformed record, naming its line: QC numbers of a broken file would be wrong.
function fail(msg) { printf "%s: line %d: %s\n", files, NR, msg > "/dev/stderr"; broken = 1; exit 2 }
BEGIN { for (i = 33; i < 127; i++) score[sprintf("%c", i)] = i - 33 }
NR % 4 == 1 { if (substr($0, 1, 1) != "@") fail("a record must start with '@'") }
NR % 4 == 2 {
  n++
  len = length($0)
  bases += len
  count[len]++
  if (n == 1 || len < minlen) minlen = len
  if (len > maxlen) maxlen = len
  gc += gsub(/[GCgc]/, "")
}
NR % 4 == 3 { if (substr($0, 1, 1) != "+") fail("the third line of a record must start with '+'") }
NR % 4 == 0 {
  l = length($0)
  if (l != len) fail("quality and sequence lengths differ")
  for (i = 1; i <= l; i++) {
    c = substr($0, i, 1)
    if (!(c in score)) fail("quality character outside Phred+33")
    q = score[c]
    qsum += q
    if (q >= minq) good++
  }
}
END {
  if (broken) exit 2
  if (NR % 4 != 0) { fail("truncated record at the end of the file") }
  if (bases > 0) {
    gcp = sprintf("%.2f", 100 * gc / bases); mq = sprintf("%.2f", qsum / bases); okp = sprintf("%.2f", 100 * good / bases)
    meanl = sprintf("%.2f", bases / n)
  } else { gcp = "NA"; mq = "NA"; okp = "NA"; meanl = "NA"; minlen = "NA"; maxlen = "NA" }
  printf "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", sample, read, files, n, bases, gcp, mq, okp, minlen, meanl, maxlen
  for (len in count) printf "%s\t%s\t%d\t%d\n", sample, read, len, count[len] >> lengths
}
