// A throwaway pipeline for the tests of shipped pipelines (not one Flow ships).
params.reads = null
params.outdir = 'results'
params.greeting = 'hello'

process COUNT {
    input:
    path reads
    output:
    path 'count.txt'
    script:
    """
    example.sh ${reads} > count.txt
    """
}

workflow {
    COUNT(Channel.fromPath(params.reads))
}
