#!/usr/bin/env nextflow
/*
 * RNA-seq: fastp trimming, salmon quantification against a transcriptome (FASTA, plain or gzipped), transcript
 * and gene count/TPM matrices over all samples, and a MultiQC report. Tools from the host (Debian packages
 * fastp, salmon, multiqc): no containers, no network.
 *
 * Input: an nf-core samplesheet (`sample,fastq_1,fastq_2,strandedness`; fastq_2 empty for single-end; an empty
 * or missing strandedness takes --strandedness; other columns such as condition and replicate are ignored).
 * Several rows of one sample (lanes) are pooled.
 */
nextflow.enable.dsl = 2

// Flow's strandedness names to salmon's library types (https://salmon.readthedocs.io/en/latest/library_type.html).
def libType(String strandedness, boolean paired) {
    switch (strandedness) {
        case 'auto':       return 'A'
        case 'forward':    return paired ? 'ISF' : 'SF'
        case 'reverse':    return paired ? 'ISR' : 'SR'
        case 'unstranded': return paired ? 'IU' : 'U'
        default: error "strandedness must be auto, forward, reverse or unstranded, not '${strandedness}'"
    }
}

process FASTP {
    tag "${sample}"
    publishDir "${params.outdir}", mode: 'copy', pattern: '*.fastp.{json,html}'

    input:
    tuple val(sample), val(strandedness), path(r1, stageAs: 'r1_*'), path(r2, stageAs: 'r2_*')

    output:
    tuple val(sample), val(strandedness), path("${sample}_trimmed_*.fq.gz"), emit: reads
    path "${sample}.fastp.json", emit: json
    path "${sample}.fastp.html", emit: html

    script:
    def paired = r2 as boolean
    """
    set -euo pipefail
    # fastp tells gzip from plain by the file name: name the (pooled) input by its content
    pool() {
        local out=\$1 kind="" k f; shift
        for f in "\$@"; do
            if [ "\$(head -c 2 "\$f" | od -An -tx1 | tr -d ' \\n')" = 1f8b ]; then k=fq.gz; else k=fq; fi
            [ -z "\$kind" ] || [ "\$kind" = "\$k" ] || { echo "the lanes of ${sample} mix gzipped and plain FASTQ" >&2; exit 1; }
            kind=\$k
        done
        if [ \$# -eq 1 ]; then ln -s "\$1" "\$out.\$kind"; else cat "\$@" > "\$out.\$kind"; fi
        echo "\$out.\$kind"
    }
    in1=\$(pool raw_1 ${r1})
    ${paired ? "in2=\$(pool raw_2 ${r2})" : ''}
    fastp \\
        --in1 "\$in1" --out1 './${sample}_trimmed_1.fq.gz' \\
        ${paired ? "--in2 \"\$in2\" --out2 './${sample}_trimmed_2.fq.gz' --detect_adapter_for_pe" : ''} \\
        --thread ${task.cpus} \\
        --length_required ${params.min_read_length} \\
        --json './${sample}.fastp.json' --html './${sample}.fastp.html' --report_title 'fastp: ${sample}'
    """
}

process SALMON_INDEX {
    input:
    path transcriptome

    output:
    path 'salmon_index'

    script:
    """
    salmon index --transcripts '${transcriptome}' --index salmon_index --kmerLen ${params.kmer_size} --threads ${task.cpus}
    """
}

process SALMON_QUANT {
    tag "${sample}"
    publishDir "${params.outdir}", mode: 'copy', pattern: '*.{quant.sf,lib_format_counts.json}'

    input:
    // staged under names of their own: Nextflow's task wrapper cannot stage a file whose name starts with '-'
    tuple val(sample), val(strandedness), path(reads, stageAs: 'trimmed_?.fq.gz')
    path index

    output:
    path "${sample}",                          emit: dir
    path "${sample}.quant.sf",                 emit: quant
    path "${sample}.lib_format_counts.json",   emit: lib

    script:
    def files = reads instanceof List ? reads : [reads]
    def paired = files.size() == 2
    def input = paired ? "--mates1 '${files[0]}' --mates2 '${files[1]}'" : "--unmatedReads '${files[0]}'"
    """
    set -euo pipefail
    salmon quant --index '${index}' --libType ${libType(strandedness, paired)} ${input} \\
        --validateMappings --threads ${task.cpus} --output './${sample}'
    cp './${sample}/quant.sf' './${sample}.quant.sf'
    cp './${sample}/lib_format_counts.json' './${sample}.lib_format_counts.json'
    """
}

process MERGE_COUNTS {
    publishDir "${params.outdir}", mode: 'copy'

    input:
    path quants, stageAs: 'quant/*'
    path transcriptome
    path gene_map

    output:
    path 'transcript_counts.tsv'
    path 'transcript_tpm.tsv'
    path 'gene_counts.tsv'
    path 'gene_tpm.tsv'

    script:
    """
    set -euo pipefail
    ${gene_map ? "tr -d '\\r' < '${gene_map}' > genes.tsv" : "gzip -cdf '${transcriptome}' | awk -f '${projectDir}/assets/fasta_genes.awk' > genes.tsv"}
    awk -f '${projectDir}/assets/merge_counts.awk' genes.tsv quant/*.quant.sf
    """
}

process MULTIQC {
    publishDir "${params.outdir}", mode: 'copy', pattern: 'multiqc_report.html'

    input:
    path fastp, stageAs: 'fastp/*'
    path salmon, stageAs: 'salmon/*'

    output:
    path 'multiqc_report.html'

    script:
    """
    multiqc --force --no-data-dir --filename multiqc_report.html --title 'RNA-seq' fastp salmon
    """
}

def checkSampleName(String name) {
    if (!(name ==~ /[A-Za-z0-9_-][A-Za-z0-9._-]*/)) {
        error "samplesheet: sample name '${name}' must be letters, digits, '.', '_' or '-', not starting with '.'"
    }
    name
}

workflow {
    if (!params.input) { error "give the samplesheet with --input" }
    if (!params.transcriptome) { error "give the transcriptome (FASTA, plain or gzipped) with --transcriptome" }
    libType(params.strandedness as String, true)  // fails early on a bad value
    if (!(params.kmer_size instanceof Integer) || params.kmer_size < 3 || params.kmer_size > 31 || params.kmer_size % 2 == 0) {
        error "kmer_size must be an odd integer from 3 to 31"
    }
    if (!(params.min_read_length instanceof Integer) || params.min_read_length < 1) {
        error "min_read_length must be a positive integer"
    }

    samples = Channel.fromPath(params.input, checkIfExists: true)
        .splitCsv(header: true, strip: true)
        .map { row ->
            if (!row.sample || !row.fastq_1) { error "samplesheet: every row needs sample and fastq_1 (row: ${row})" }
            def strandedness = row.strandedness ?: params.strandedness
            libType(strandedness as String, true)
            def r2 = row.fastq_2 ? file(row.fastq_2, checkIfExists: true) : null
            [checkSampleName(row.sample), strandedness, file(row.fastq_1, checkIfExists: true), r2]
        }
        .groupTuple()
        .map { sample, strandednesses, r1s, r2s ->
            def paired = r2s.findAll { it != null }
            if (paired && paired.size() != r1s.size()) {
                error "samplesheet: sample ${sample} mixes single-end and paired-end rows"
            }
            if (strandednesses.unique().size() > 1) {
                error "samplesheet: the rows of sample ${sample} give different strandedness"
            }
            [sample, strandednesses[0], r1s, paired]
        }

    transcriptome = file(params.transcriptome, checkIfExists: true)
    gene_map = params.gene_map ? file(params.gene_map, checkIfExists: true) : []

    FASTP(samples)
    SALMON_INDEX(transcriptome)
    SALMON_QUANT(FASTP.out.reads, SALMON_INDEX.out)
    MERGE_COUNTS(SALMON_QUANT.out.quant.collect(), transcriptome, gene_map)
    MULTIQC(FASTP.out.json.collect(), SALMON_QUANT.out.dir.collect())
}
