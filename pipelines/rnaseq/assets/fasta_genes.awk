# transcript -> gene from FASTA headers (stdin), one "transcript<TAB>gene" line per record. The transcript is the
# header's first word (what salmon names it); the gene is the value of the first `gene:`, `gene=`, `gene_id:` or
# `gene_id=` word (Ensembl cDNA headers have `gene:ENSG...`), else the transcript itself.
/^>/ {
  tx = substr($1, 2); gene = tx
  for (i = 2; i <= NF; i++) if (match($i, /^gene(_id)?[:=]/)) { gene = substr($i, RLENGTH + 1); break }
  print tx "\t" gene
}
