// Flow's engine tests: a few fast tasks (GREET per item), one that can be made slow (WAIT, for cancel and kill
// tests), and one that fails on demand (BREAK). Needs only a shell.
params.input = null
params.outdir = 'results'
params.tasks = 2
params.sleep = 0
params.fail = false

process GREET {
    publishDir params.outdir, mode: 'copy'
    input: val x
    output: path "greeting_${x}.txt"
    script: "echo hello ${x} > greeting_${x}.txt"
}

process WAIT {
    publishDir params.outdir, mode: 'copy'
    input: path greetings
    output: path 'waited.txt'
    script: "sleep ${params.sleep}; cat ${greetings} > waited.txt"
}

process BREAK {
    input: path waited
    script: "echo 'BREAK could not go on: the input is wrong' >&2; exit 3"
}

workflow {
    waited = WAIT(GREET(Channel.of(1..params.tasks)).collect())
    if (params.fail) BREAK(waited)
}
