# Merges salmon quant.sf files into matrices over samples. The first file is the transcript->gene map
# ("transcript<TAB>gene" lines; a transcript without a line is its own gene), the others are
# quant/<sample>.quant.sf (Name Length EffectiveLength TPM NumReads). Writes transcript_counts.tsv,
# transcript_tpm.tsv (transcript_id, gene_id, one column per sample) and gene_counts.tsv, gene_tpm.tsv (gene_id,
# one column per sample: the sums over the gene's transcripts). Samples in name order, rows in the index's order.
BEGIN { FS = "\t"; OFS = "\t" }
FNR == 1 { file++ }
file == 1 { gene_of[$1] = $2; next }
FNR == 1 {
  if ($1 != "Name" || $4 != "TPM" || $5 != "NumReads") { print FILENAME ": not a salmon quant.sf" > "/dev/stderr"; exit 1 }
  s = FILENAME; sub(/^.*\//, "", s); sub(/\.quant\.sf$/, "", s)
  samples[++ns] = s
  next
}
{
  tx = $1
  if (!(tx in gene)) {
    txs[++nt] = tx
    g = (tx in gene_of) ? gene_of[tx] : tx
    gene[tx] = g
    if (!(g in seen_gene)) { seen_gene[g] = 1; genes[++ng] = g }
  }
  tpm[tx, s] = $4; count[tx, s] = $5
  gtpm[gene[tx], s] += $4; gcount[gene[tx], s] += $5
}
END {
  if (ns == 0) { print "no quant.sf files" > "/dev/stderr"; exit 1 }
  # samples sorted by name (insertion sort: a handful of names)
  for (i = 2; i <= ns; i++) { v = samples[i]; for (j = i - 1; j >= 1 && samples[j] > v; j--) samples[j + 1] = samples[j]; samples[j + 1] = v }
  head = ""; for (i = 1; i <= ns; i++) head = head OFS samples[i]
  print "transcript_id" OFS "gene_id" head > "transcript_counts.tsv"
  print "transcript_id" OFS "gene_id" head > "transcript_tpm.tsv"
  for (t = 1; t <= nt; t++) {
    tx = txs[t]; lc = tx OFS gene[tx]; lt = lc
    for (i = 1; i <= ns; i++) { lc = lc OFS num(count[tx, samples[i]]); lt = lt OFS num(tpm[tx, samples[i]]) }
    print lc > "transcript_counts.tsv"; print lt > "transcript_tpm.tsv"
  }
  print "gene_id" head > "gene_counts.tsv"
  print "gene_id" head > "gene_tpm.tsv"
  for (k = 1; k <= ng; k++) {
    g = genes[k]; lc = g; lt = g
    for (i = 1; i <= ns; i++) { lc = lc OFS num(gcount[g, samples[i]]); lt = lt OFS num(gtpm[g, samples[i]]) }
    print lc > "gene_counts.tsv"; print lt > "gene_tpm.tsv"
  }
}
function num(x) { return sprintf("%.6g", x + 0) }
