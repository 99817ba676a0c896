#!/usr/bin/env python3
"""Writes the request files of bench/search/run.sh: one per query shape and kind of caller, "<path> <token or ->" a
line, for bench/requests.lua. Reads the callers' parameters (params.tsv, made by run.sh) from argv[1] and writes
req-<shape>-<caller kind> files into argv[2]; prints the shapes written, one a line: "<shape> <kind> <file>".

params.tsv columns: kind (heavy, typical, anon), username, token ("-" for anonymous), project id, sample id, the rare
word (the sample's name up to its first _, e.g. S0123457), the project's name, an execution's name (or empty), the
id of the ChIP-seq pipeline."""
import sys
from urllib.parse import quote

# shape -> (path with {fields}, the caller kinds it runs as). Selective shapes find a handful of rows; unselective
# ones match a large share of everything (and the count is capped at 1000).
SHAPES = [
    ("search_rare", "/search?q={rare}", "heavy typical anon"),
    ("search_common", "/search?q=liver", "heavy typical anon"),
    ("samples_rare", "/samples/search?filter={rare}", "heavy typical anon"),
    ("samples_project", "/samples/search?project={project}", "heavy typical anon"),
    ("samples_metadata_rare", "/samples/search?metadata.donor=D0042", "heavy typical anon"),
    ("samples_organism", "/samples/search?organism=human", "heavy typical anon"),
    ("samples_common", "/samples/search?filter=liver", "heavy typical anon"),
    ("projects_rare", "/projects/search?filter={pname}", "heavy typical anon"),
    ("projects_organism", "/projects/search?organism=human", "heavy typical anon"),
    ("projects_has_samples", "/projects/search?has_samples=true", "heavy typical anon"),
    ("data_rare", "/data/search?filter={rare}", "heavy typical anon"),
    ("data_size_narrow", "/data/search?size_min=1000000000&size_max=1001000000", "heavy typical anon"),
    ("data_project", "/data/search?project={project}", "heavy typical anon"),
    ("data_type_fastq", "/data/search?data_type=FASTQ", "heavy typical anon"),
    ("data_pattern_fastq", "/data/search?pattern=*.fastq.gz", "heavy typical anon"),
    ("data_common", "/data/search?filter=liver", "heavy typical anon"),
    ("executions_rare", "/executions/search?filter={ename}", "heavy typical anon"),
    ("executions_sample", "/executions/search?sample={sample}", "heavy typical anon"),
    ("executions_completed", "/executions/search?status=completed", "heavy typical anon"),
    ("executions_pipeline", "/executions/search?pipeline={pipeline}", "heavy typical anon"),
    ("filesets_sample", "/filesets/search?sample={sample}", "heavy typical anon"),
    ("filesets_has_data", "/filesets/search?has_data=true", "heavy typical anon"),
    ("filesets_common", "/filesets/search?filter=paired", "heavy typical anon"),
    # throttled per account (run.sh raises FLOW_PEOPLE_SEARCH_MAX_PER_MINUTE); for signed-in callers only
    ("users_search", "/users/search?q={userq}", "heavy typical"),
    ("groups_search", "/groups/search?q=group", "heavy typical"),
]


def main():
    params, out = sys.argv[1], sys.argv[2]
    rows = []
    with open(params) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 9:
                continue
            kind, user, token, project, sample, rare, pname, ename, pipeline = cols[:9]
            rows.append(dict(kind=kind, user=user, token=token, project=project, sample=sample, rare=quote(rare, safe=""),
                             pname=quote(pname, safe=""), ename=quote(ename or rare, safe=""), pipeline=pipeline,
                             userq=quote("lb0" + user[-2:] if user != "-" else "lb0", safe="")))
    only = set(sys.argv[3].split()) if len(sys.argv) > 3 and sys.argv[3] else None
    for shape, path, kinds in SHAPES:
        if only and shape not in only:
            continue
        for kind in kinds.split():
            mine = [r for r in rows if r["kind"] == kind]
            if not mine:
                continue
            name = f"{out}/req-{shape}-{kind}"
            with open(name, "w") as f:
                for r in mine:
                    f.write(path.format(**r) + " " + r["token"] + "\n")
            print(shape, kind, name)


if __name__ == "__main__":
    main()
