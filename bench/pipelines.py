#!/usr/bin/env python3
"""The pipelines benchmark's client side (bench/pipelines.sh starts and stops the server and calls this).

    pipelines.py BASE_URL TOKEN DATA_DIR WORK_DIR NEXTFLOW_LIB PIPELINE_DIR

1. makes BENCH_SAMPLES samples of paired gzipped FASTQ (BENCH_READS reads of up to 100 bases per file), a project
   and its samples, and uploads the reads (POST /upload/sample);
2. runs FASTQ QC on all samples through the API, timing POST /pipelines/versions/{id}/run -> `completed` in
   GET /executions/{id} polled every BENCH_POLL_MS ms; notes when each task first shows as completed there;
3. runs `nextflow run` of the same pipeline directory with the same jars, the samplesheet Flow wrote and the same
   parameters, and times it; checks both summaries are the same;
4. latency from a task finishing (its .exitcode's mtime, found through the trace file's hash) to it showing as
   completed in GET /executions/{id}: p50, p95, max;
5. submits BENCH_QUEUE_EXECUTIONS executions at once (one sample each) and polls GET /queue every BENCH_POLL_MS
   ms until all have finished, checking in every answer: at most BENCH_MAX_RUNNING running; positions 1..n with
   the running first and the pending in submission order; a pending execution never starts before one ahead of
   it; no position ever grows. All must complete.
Prints the figures and one RESULT line per target; exits 1 when a target or a check is missed.
"""
import concurrent.futures
import csv
from datetime import datetime
import glob
import gzip
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse

ENV = os.environ
SAMPLES = int(ENV.get("BENCH_SAMPLES", "20"))
READS = int(ENV.get("BENCH_READS", "20000"))
POLL = int(ENV.get("BENCH_POLL_MS", "100")) / 1000
QUEUE_EXECUTIONS = int(ENV.get("BENCH_QUEUE_EXECUTIONS", "20"))
MAX_RUNNING = int(ENV.get("BENCH_MAX_RUNNING", "4"))
TIMEOUT = int(ENV.get("BENCH_TIMEOUT_S", "1800"))
# Nextflow's launcher passes these; without them -resume caches nothing (DESIGN.md): Flow passes them too
ADD_OPENS = [f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
    "java.lang", "java.io", "java.nio", "java.net", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
    "java.util.concurrent.locks", "java.util.regex", "java.time", "java.lang.reflect", "java.lang.invoke", "sun.nio.ch",
    "sun.nio.fs", "sun.net.www.protocol.http", "sun.net.www.protocol.https", "sun.net.www.protocol.ftp",
    "sun.net.www.protocol.file", "jdk.internal.misc", "jdk.internal.vm")]
FINISHED = ("completed", "failed", "canceled")

failures = []


def log(msg):
    print(time.strftime("[%H:%M:%S] ") + msg, file=sys.stderr, flush=True)


def fail(msg):
    failures.append(msg)
    log("FAILED: " + msg)


class Client:
    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.token = u.hostname, u.port, token
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):  # one retry on a dropped kept-alive connection
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                h = {"Authorization": "Bearer " + self.token}
                h.update(headers or {})
                if isinstance(body, (dict, list)):
                    body = json.dumps(body).encode()
                    h["Content-Type"] = "application/json"
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, data
            except (http.client.HTTPException, ConnectionError):
                self.conn = None
                if attempt == 2:
                    raise

    def json(self, method, path, body=None, want=(200, 201)):
        status, data = self.request(method, path, body)
        if status not in want:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:500].decode(errors='replace')}")
        return json.loads(data)

    def upload_read(self, sample, read, path):
        boundary = "flowbench" + os.urandom(8).hex()
        fields = {"sample_id": str(sample), "read_number": str(read), "filename": os.path.basename(path)}
        body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                        for k, v in fields.items())
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{os.path.basename(path)}"\r\n'
                 'Content-Type: application/octet-stream\r\n\r\n').encode()
        with open(path, "rb") as f:
            body += f.read()
        body += f"\r\n--{boundary}--\r\n".encode()
        status, data = self.request("POST", "/upload/sample", body, {"Content-Type": "multipart/form-data; boundary=" + boundary})
        if status != 200:
            raise RuntimeError(f"upload of {path}: HTTP {status}: {data[:300].decode(errors='replace')}")


# ------------------------------------------------------------------ data

BASES = bytes.maketrans(bytes(range(256)), b"ACGT" * 64)
QUALS = bytes.maketrans(bytes(range(256)), b"+5?DFGHIJ"[:8] * 32)


def fastq(path, reads, rnd):
    with gzip.open(path, "wb", compresslevel=1) as out:
        chunk = []
        for i in range(reads):
            n = 100 if rnd.random() < 0.9 else rnd.randint(35, 99)
            seq = os.urandom(n).translate(BASES)
            qual = os.urandom(n).translate(QUALS)
            chunk.append(b"@r%d\n%s\n+\n%s\n" % (i, seq, qual))
            if len(chunk) == 4096:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))


def prepare(client, work):
    rnd = random.Random(8)
    os.makedirs(f"{work}/fastq", exist_ok=True)
    log(f"making {SAMPLES} samples x 2 files x {READS} reads...")
    names = [f"S{i:02d}" for i in range(1, SAMPLES + 1)]
    for name in names:
        for read in (1, 2):
            fastq(f"{work}/fastq/{name}_{read}.fq.gz", READS, rnd)
    size = sum(os.path.getsize(p) for p in glob.glob(f"{work}/fastq/*.fq.gz"))
    log(f"  {size / 1e6:.1f} MB of gzipped FASTQ")
    project = client.json("POST", "/projects/new", {"name": "pipelines bench", "description": "bench",
                                                    "organism": "human", "is_public": False})["id"]
    samples = {}
    t0 = time.monotonic()
    for name in names:
        sid = client.json("POST", "/samples/new", {"name": name, "project": project, "organism": "human",
                                                   "sample_type": "RNA"})["id"]
        for read in (1, 2):
            client.upload_read(sid, read, f"{work}/fastq/{name}_{read}.fq.gz")
        samples[name] = sid
    log(f"  uploaded {2 * SAMPLES} files in {time.monotonic() - t0:.1f} s")
    return samples


def fastq_qc_version(client):
    for c in client.json("GET", "/pipelines")["categories"]:
        for p in c["pipelines"]:
            if p["name"] == "FASTQ QC":
                for v in p["versions"]:
                    if v["is_latest"]:
                        return v["id"]
    raise RuntimeError("FASTQ QC is not registered (GET /pipelines)")


# ------------------------------------------------------------------ one execution through Flow

def nextflow_cmdline(run_dir):
    """The argv of the Nextflow JVM Flow launched for the run (found in /proc by its -log path), or None."""
    needle = f"{run_dir}/.nextflow.log".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"nextflow.cli.Launcher" in argv and needle in argv:
            return [a.decode() for a in argv if a]
    return None


def run_through_flow(client, version, samples, data_dir):
    cmdline = None
    seen = {}        # task name -> wall time it first showed as completed
    progress = []
    t0 = time.time()
    ex = client.json("POST", f"/pipelines/versions/{version}/run",
                     {"name": "bench: FASTQ QC x %d" % len(samples), "samples": list(samples.values()), "filesets": [],
                      "parameters": {}})
    eid = ex["id"]
    while True:
        now = time.time()
        d = client.json("GET", f"/executions/{eid}")
        answered = time.time()  # a task that ended while the request ran shows in this answer: time it by the answer
        if cmdline is None and d["status"] == "running":
            cmdline = nextflow_cmdline(f"{data_dir}/runs/{eid}")
        for p in d.get("process_executions", []):
            if p.get("status") == "completed" and p["name"] not in seen:
                seen[p["name"]] = answered
        progress.append(d.get("progress", 0))
        if d["status"] in FINISHED:
            break
        if now - t0 > TIMEOUT:
            raise RuntimeError(f"execution {eid} not finished after {TIMEOUT} s")
        time.sleep(max(0, POLL - (time.time() - now)))
    secs = time.time() - t0
    if d["status"] != "completed":
        fail(f"execution {eid} ended {d['status']}: {d.get('error')} {d.get('logs', [])[-5:]}")
    if any(b < a for a, b in zip(progress, progress[1:])):
        fail(f"progress went backwards: {progress}")
    return eid, secs, seen, d, cmdline, t0


def task_end_times(run_dir):
    """Task name -> mtime of its .exitcode (written by the task's wrapper as it ends), through the trace's hash."""
    traces = sorted(glob.glob(f"{run_dir}/trace*.txt"))
    if not traces:
        raise RuntimeError(f"no trace file in {run_dir}")
    ends = {}
    with open(traces[-1]) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            dirs = glob.glob(f"{run_dir}/work/{row['hash']}*/.exitcode")
            if len(dirs) == 1:
                ends[row["name"]] = os.stat(dirs[0]).st_mtime_ns / 1e9
    return ends


def log_span(path):
    """The first and last timestamps (epoch seconds) of a .nextflow.log ("Nov-30 19:36:25.571 [main] ...")."""
    stamps = []
    year = time.gmtime().tm_year
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"([A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) ", line)
            if m:
                stamps.append(m.group(1))
    if not stamps:
        return None
    to_epoch = lambda st: datetime.strptime(f"{year}-{st}", "%Y-%b-%d %H:%M:%S.%f").timestamp()
    return to_epoch(stamps[0]), to_epoch(stamps[-1])


def percentile(values, p):
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))  # nearest rank
    return v[k]


# ------------------------------------------------------------------ the same run with plain `nextflow run`

def run_plain_nextflow(work, lib, pipeline_dir, flow_run_dir, flow_cmdline):
    """`nextflow run` as Flow ran it: the same java, JVM options, jars, pipeline, parameters (only outdir moved) and
    run config, without Flow's plugin; its own launch directory and NXF_HOME."""
    launch = f"{work}/plain"
    os.makedirs(launch, exist_ok=True)
    with open(f"{flow_run_dir}/params.json") as f:
        params = json.load(f)
    params["outdir"] = f"{launch}/results"
    with open(f"{launch}/params.json", "w") as f:
        json.dump(params, f)
    if flow_cmdline:
        cmd, args, i = [], flow_cmdline, 0
        moved = {"-log": f"{launch}/.nextflow.log", "-params-file": f"{launch}/params.json", "-with-trace": f"{launch}/trace.txt"}
        while i < len(args):
            a = args[i]
            if a == "-plugins":
                i += 2
                continue
            cmd.append(a)
            if a in moved:
                cmd.append(moved[a])
                i += 1
            i += 1
        how = "Flow's command line, without -plugins"
    else:
        cmd = ["java", *ADD_OPENS, *ENV.get("BENCH_NEXTFLOW_JAVA_OPTS", "-Xmx512m").split(), "-cp", f"{lib}/*",
               "nextflow.cli.Launcher", "-log", f"{launch}/.nextflow.log", "run", f"{pipeline_dir}/main.nf",
               "-params-file", f"{launch}/params.json", "-with-trace", f"{launch}/trace.txt"]
        how = "not seen Flow's command line: java " + ENV.get("BENCH_NEXTFLOW_JAVA_OPTS", "-Xmx512m")
    env = dict(os.environ, NXF_HOME=f"{work}/nxf-home", NXF_OFFLINE="true", NXF_ANSI_LOG="false", NXF_DISABLE_CHECK_LATEST="true")
    t0 = time.time()
    with open(f"{launch}/stdout", "wb") as out:
        rc = subprocess.run(cmd, cwd=launch, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
    secs = time.time() - t0
    if rc != 0:
        fail(f"nextflow run exited {rc}; see {launch}/stdout")
    return secs, launch, how, cmd


# ------------------------------------------------------------------ 20 executions at once

def queue_run(client, version, samples):
    names = sorted(samples)
    ids = []

    def submit(i):
        c = Client(f"http://{client.host}:{client.port}", client.token)
        name = names[i % len(names)]
        return c.json("POST", f"/pipelines/versions/{version}/run",
                      {"name": f"bench queue {i + 1}", "samples": [samples[name]], "filesets": [], "parameters": {}})["id"]

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(QUEUE_EXECUTIONS) as pool:
        ids = list(pool.map(submit, range(QUEUE_EXECUTIONS)))
    log(f"  {QUEUE_EXECUTIONS} executions submitted in {time.time() - t0:.2f} s: ids {min(ids)}..{max(ids)}")
    mine = set(ids)
    snapshots = 0
    max_running = 0
    violations = []
    last_position = {}
    previous_pending = []
    started = set()
    while True:
        now = time.time()
        q = client.json("GET", "/queue")
        snapshots += 1
        entries = q["queue"]
        running = [e for e in entries if e["status"] == "running"]
        pending = [e for e in entries if e["status"] == "pending"]
        max_running = max(max_running, q["running"])
        if q["running"] > MAX_RUNNING:
            violations.append(f"{q['running']} running (at most {MAX_RUNNING})")
        if len(running) != q["running"] or len(pending) != q["pending"]:
            violations.append(f"counts {q['running']}/{q['pending']} but {len(running)}/{len(pending)} entries")
        if [e["position"] for e in entries] != list(range(1, len(entries) + 1)) or entries != running + pending:
            violations.append(f"positions not 1..n with the running first: {[(e['id'], e['status'], e['position']) for e in entries]}")
        # submitted is compared as a time (its text may carry fewer digits); equal times may come in any order
        times = [datetime.fromisoformat(e["submitted"].replace("Z", "+00:00")) for e in pending]
        if times != sorted(times):
            violations.append(f"pending not in submission order: {[(e['id'], e['submitted']) for e in pending]}")
        # FIFO: an execution that left pending had none still pending ahead of it in the last answer
        now_pending = [e["id"] for e in pending]
        for i, eid in enumerate(previous_pending):
            if eid not in now_pending:
                ahead = [x for x in previous_pending[:i] if x in now_pending]
                if ahead:
                    violations.append(f"execution {eid} left the queue before {ahead}, which were ahead of it")
        previous_pending = now_pending
        for e in entries:
            if e["id"] in last_position and e["position"] > last_position[e["id"]]:
                violations.append(f"execution {e['id']} went from position {last_position[e['id']]} to {e['position']}")
            last_position[e["id"]] = e["position"]
            if e["status"] == "running":
                started.add(e["id"])
        if not any(e["id"] in mine for e in entries):
            break
        if now - t0 > TIMEOUT:
            fail(f"the {QUEUE_EXECUTIONS} executions not finished after {TIMEOUT} s")
            break
        time.sleep(max(0, POLL - (time.time() - now)))
    secs = time.time() - t0
    statuses = {}
    for eid in ids:
        statuses.setdefault(client.json("GET", f"/executions/{eid}")["status"], []).append(eid)
    return secs, statuses, snapshots, max_running, violations


# ------------------------------------------------------------------ main

def main():
    base, token, data_dir, work, lib, pipeline_dir = sys.argv[1:7]
    client = Client(base, token)
    samples = prepare(client, work)
    version = fastq_qc_version(client)

    log(f"FASTQ QC (version {version}) on {len(samples)} samples through Flow...")
    eid, flow_secs, seen, detail, cmdline, posted = run_through_flow(client, version, samples, data_dir)
    log(f"  execution {eid}: {detail['status']} in {flow_secs:.2f} s, {len(detail.get('process_executions', []))} tasks")
    run_dir = f"{data_dir}/runs/{eid}"

    ends = task_end_times(run_dir)
    latencies = [seen[n] - ends[n] for n in seen if n in ends]
    if len(latencies) != len(detail.get("process_executions", [])):
        fail(f"latency known for {len(latencies)} of {len(detail.get('process_executions', []))} tasks")

    log("the same with plain nextflow run...")
    nf_secs, plain, how, cmd = run_plain_nextflow(work, lib, pipeline_dir, run_dir, cmdline)
    log(f"  {nf_secs:.2f} s ({how})")
    # the same answer both ways: Flow's summary output (downloaded) against plain Nextflow's
    flow_summary = [o for o in detail.get("outputs", []) if o["filename"].endswith("fastq_qc_summary.tsv")]
    if len(flow_summary) != 1:
        fail(f"no single fastq_qc_summary.tsv among the outputs: {[o['filename'] for o in detail.get('outputs', [])]}")
    else:
        status, body = client.request("GET", f"/data/{flow_summary[0]['id']}/contents?download=true")
        with open(f"{plain}/results/fastq_qc_summary.tsv", "rb") as f:
            if status != 200 or body != f.read():
                fail("Flow's fastq_qc_summary.tsv differs from plain Nextflow's")

    log(f"{QUEUE_EXECUTIONS} executions at once, at most {MAX_RUNNING} running...")
    q_secs, statuses, snapshots, max_running, violations = queue_run(client, version, samples)

    # where Flow's time went, from file times (the API's times are whole seconds): params.json is written once the
    # run is claimed and its inputs prepared; then Nextflow's log's first and last lines
    breakdown = None
    flow_log, plain_log = log_span(f"{run_dir}/.nextflow.log"), log_span(f"{plain}/.nextflow.log")
    if flow_log and plain_log and os.path.exists(f"{run_dir}/params.json"):
        prepared = os.stat(f"{run_dir}/params.json").st_mtime_ns / 1e9
        breakdown = [("POST -> params.json written (queue, claim, inputs prepared)", prepared - posted),
                     ("params.json -> Nextflow's first log line (JVM start)", flow_log[0] - prepared),
                     ("Nextflow's log, first to last line (plain run: %.2f s)" % (plain_log[1] - plain_log[0]), flow_log[1] - flow_log[0]),
                     ("Nextflow's last log line -> completed seen (exit, outputs collected, poll)", posted + flow_secs - flow_log[1])]
    overhead = flow_secs - nf_secs
    allowed = 0.10 * nf_secs + 3
    print()
    print(f"FASTQ QC, {len(samples)} samples x 2 files x {READS} reads, {len(detail.get('process_executions', []))} tasks")
    print(f"  through Flow (POST run -> completed, polled every {POLL * 1000:.0f} ms): {flow_secs:8.2f} s")
    print(f"  plain nextflow run (same jars, pipeline, samplesheet):     {nf_secs:8.2f} s  [{how}]")
    print("    " + " ".join(a for a in cmd if not a.startswith("--add-opens")) + " (and the --add-opens)")
    print(f"  overhead: {overhead:.2f} s ({100 * overhead / nf_secs:.1f} %); allowed 10 % + 3 s = {allowed:.2f} s: "
          + ("ok" if overhead <= allowed else "MISSED"))
    if breakdown:
        print("  Flow's time:")
        for what, secs in breakdown:
            print(f"    {what}: {secs:.2f} s")
    if latencies:
        print(f"  task finished (.exitcode mtime) -> completed in GET /executions/{{id}}, {len(latencies)} tasks: "
              f"p50 {percentile(latencies, 50):.3f} s, p95 {percentile(latencies, 95):.3f} s, max {max(latencies):.3f} s, "
              f"min {min(latencies):.3f} s (poll interval {POLL:.1f} s included)")
    print(f"{QUEUE_EXECUTIONS} executions submitted at once, FLOW_WORKERS={MAX_RUNNING}:")
    print(f"  all finished in {q_secs:.2f} s; statuses: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(statuses.items())))
    print(f"  GET /queue polled {snapshots} times: most running at once {max_running}; "
          f"{len(violations)} violations of the queue's rules")
    kinds = {}
    for v in violations:
        kinds.setdefault(re.sub(r"\d+", "N", v.split(":")[0])[:60], []).append(v)
    for kind, vs in kinds.items():
        print(f"    {len(vs)} x {vs[0]}"[:400])
    if overhead > allowed:
        fail(f"overhead {overhead:.2f} s over the allowed {allowed:.2f} s")
    if set(statuses) != {"completed"}:
        fail(f"not all queued executions completed: {statuses}")
    if violations:
        fail(f"{len(violations)} queue violations")
    if max_running != min(MAX_RUNNING, QUEUE_EXECUTIONS):
        fail(f"at most {max_running} ran at once, expected {min(MAX_RUNNING, QUEUE_EXECUTIONS)} to")
    print(f"RESULT flow_s={flow_secs:.2f} nextflow_s={nf_secs:.2f} overhead_s={overhead:.2f} allowed_s={allowed:.2f} "
          + (f"latency_p50_s={percentile(latencies, 50):.3f} latency_p95_s={percentile(latencies, 95):.3f} " if latencies else "")
          + f"queue_s={q_secs:.2f} queue_max_running={max_running} queue_violations={len(violations)}")
    if failures:
        print(f"FAILED ({len(failures)}):")
        for f in failures:
            print("  " + f)
        sys.exit(1)
    print("all targets met")


if __name__ == "__main__":
    main()
