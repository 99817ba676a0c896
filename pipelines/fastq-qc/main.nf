#!/usr/bin/env nextflow
/*
 * FASTQ QC: per sample and read (1, 2) the read count, base count, GC %, mean base quality (Phred+33), the share
 * of bases at or above `min_quality` and the length distribution; a summary table over all samples and an HTML
 * report. Needs only bash, coreutils, gzip and awk.
 *
 * Input: an nf-core samplesheet (`sample,fastq_1,fastq_2`; fastq_2 empty for single-end; other columns such as
 * condition and replicate are ignored). Several rows of one sample (lanes) are pooled per read. Files may be
 * gzipped or plain (told apart by content, not by name).
 */
nextflow.enable.dsl = 2

process FASTQ_STATS {
    tag "${sample}"
    publishDir "${params.outdir}", mode: 'copy'

    input:
    tuple val(sample), val(names1), path(r1, stageAs: 'r1_*'), val(names2), path(r2, stageAs: 'r2_*')

    output:
    path "${sample}.qc.tsv",      emit: qc
    path "${sample}.lengths.tsv", emit: lengths

    script:
    def awk = "${projectDir}/assets/fastq_stats.awk"
    def stats = { read, files, label ->
        "gzip -cdf ${files.join(' ')} | awk -v sample='${sample}' -v read=${read} -v files='${label}' -v minq=${params.min_quality} -v lengths=lengths.tmp -f '${awk}' >> qc.tmp"
    }
    """
    set -euo pipefail
    : > qc.tmp
    : > lengths.tmp
    ${stats(1, r1 instanceof List ? r1 : [r1], names1)}
    ${r2 ? stats(2, r2 instanceof List ? r2 : [r2], names2) : ''}
    { printf 'sample\\tread\\tfiles\\treads\\tbases\\tgc_percent\\tmean_quality\\tpct_bases_q${params.min_quality}\\tmin_length\\tmean_length\\tmax_length\\n'; cat qc.tmp; } > '${sample}.qc.tsv'
    { printf 'sample\\tread\\tlength\\tcount\\n'; sort -t "\$(printf '\\t')" -k2,2n -k3,3n lengths.tmp; } > '${sample}.lengths.tsv'
    """
}

process SUMMARY {
    publishDir "${params.outdir}", mode: 'copy'

    input:
    path qc, stageAs: 'qc/*'

    output:
    path 'fastq_qc_summary.tsv'

    script:
    """
    set -euo pipefail
    first=\$(ls qc/*.qc.tsv | head -n 1)
    { head -n 1 "\$first"; for f in qc/*.qc.tsv; do tail -n +2 "\$f"; done | sort -t "\$(printf '\\t')" -k1,1 -k2,2n; } > fastq_qc_summary.tsv
    """
}

process REPORT {
    publishDir "${params.outdir}", mode: 'copy'

    input:
    path summary
    path lengths, stageAs: 'lengths/*'

    output:
    path 'fastq_qc_report.html'

    script:
    """
    set -euo pipefail
    cat lengths/*.lengths.tsv | awk -v summary='${summary}' -v minq=${params.min_quality} -f '${projectDir}/assets/report.awk' > fastq_qc_report.html
    """
}

// The input files' names, for the `files` column (quoted in the task script: keep them plain).
def label(files) {
    files*.name.collect { it.replaceAll(/[^A-Za-z0-9._+-]/, '_') }.join(',')
}

// Safe inside the single quotes of the task scripts above, and a usable file name prefix.
def checkSampleName(String name) {
    if (!(name ==~ /[A-Za-z0-9_-][A-Za-z0-9._-]*/)) {
        error "samplesheet: sample name '${name}' must be letters, digits, '.', '_' or '-', not starting with '.'"
    }
    name
}

workflow {
    if (!params.input) { error "give the samplesheet with --input" }
    if (!(params.min_quality instanceof Integer) || params.min_quality < 0 || params.min_quality > 93) {
        error "min_quality must be an integer from 0 to 93 (Phred+33)"
    }

    samples = Channel.fromPath(params.input, checkIfExists: true)
        .splitCsv(header: true, strip: true)
        .map { row ->
            if (!row.sample || !row.fastq_1) { error "samplesheet: every row needs sample and fastq_1 (row: ${row})" }
            def r1 = file(row.fastq_1, checkIfExists: true)
            def r2 = row.fastq_2 ? file(row.fastq_2, checkIfExists: true) : null
            [checkSampleName(row.sample), r1, r2]
        }
        .groupTuple()
        .map { sample, r1s, r2s ->
            def paired = r2s.findAll { it != null }
            if (paired && paired.size() != r1s.size()) {
                error "samplesheet: sample ${sample} mixes single-end and paired-end rows"
            }
            [sample, label(r1s), r1s, label(paired), paired]
        }

    FASTQ_STATS(samples)
    SUMMARY(FASTQ_STATS.out.qc.collect())
    REPORT(SUMMARY.out, FASTQ_STATS.out.lengths.collect())
}
