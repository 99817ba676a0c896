#!/usr/bin/env python3
"""The workers benchmark's client side (bench/workers.sh starts and stops the server and the workers and calls this).

    workers.py prepare BASE_URL TOKEN WORK      makes BENCH_EXECUTIONS samples (one per execution) and uploads them
    workers.py run BASE_URL TOKEN WORK LABEL    submits BENCH_EXECUTIONS executions of FASTQ QC, one sample each, at
                                                once, and waits until all have finished

`run` times from just before the first POST to the answer of GET /queue that no longer lists any of them (polled
every BENCH_POLL_MS ms), checks each ended `completed` with a fastq_qc_summary.tsv equal to the one the first run
made for the same sample (the same inputs give the same outputs whoever runs them), and prints one RESULT line:
wall time, executions per minute, the median and max of each execution's own started -> finished, the share of
the machine's CPU used meanwhile and the load average before and after. It writes the ids to WORK/LABEL.ids for the script's database query.
"""
import concurrent.futures
import json
import os
import statistics
import sys
import time
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipelines  # noqa: E402  (the pipelines benchmark's client, data and FASTQ QC lookup)

EXECUTIONS = int(os.environ.get("BENCH_EXECUTIONS", "20"))
POLL = int(os.environ.get("BENCH_POLL_MS", "250")) / 1000
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT_S", "1800"))


class Client(pipelines.Client):
    """pipelines.Client that signs in again when its access token has expired (they live 15 minutes; a run at 1 worker on
    a busy machine takes longer): bench/lib.sh signs up benchuser with this password."""

    def sign_in(self):
        self.token = pipelines.Client.json(self, "POST", "/login", {"username": "benchuser", "password": "bench-password-123"})["access_token"]

    def request(self, method, path, body=None, headers=None):
        status, data = super().request(method, path, body, headers)
        if status == 401 and path != "/login":
            self.sign_in()
            status, data = super().request(method, path, body, headers)
        return status, data


def cpu_ticks():
    """(all, idle) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:8]]
    return sum(v), v[3] + v[4]


def loadavg():
    """The 1-minute load average: other sessions' builds and tests on the same cores show here."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def prepare(client, work):
    pipelines.SAMPLES = EXECUTIONS
    samples = pipelines.prepare(client, work)
    version = pipelines.fastq_qc_version(client)
    with open(f"{work}/samples.json", "w") as f:
        json.dump({"version": version, "samples": samples}, f)


def run(client, work, label):
    with open(f"{work}/samples.json") as f:
        setup = json.load(f)
    version, samples = setup["version"], setup["samples"]
    names = sorted(samples)
    client.sign_in()  # a fresh token for the submitting threads (signing in from each at once would be throttled)

    def submit(name):
        c = Client(f"http://{client.host}:{client.port}", client.token)
        return c.json("POST", f"/pipelines/versions/{version}/run",
                      {"name": f"bench workers {label} {name}", "samples": [samples[name]], "filesets": [], "parameters": {}})["id"]

    load0 = loadavg()
    cpu0, t0 = cpu_ticks(), time.time()
    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        ids = dict(zip(names, pool.map(submit, names)))
    submitted = time.time() - t0
    mine = set(ids.values())
    while True:
        now = time.time()
        if not any(e["id"] in mine for e in client.json("GET", "/queue")["queue"]):
            break
        if now - t0 > TIMEOUT:
            pipelines.fail(f"{label}: executions not finished after {TIMEOUT} s")
            break
        time.sleep(max(0, POLL - (time.time() - now)))
    wall = time.time() - t0
    cpu1 = cpu_ticks()
    busy = 100 * (1 - (cpu1[1] - cpu0[1]) / max(1, cpu1[0] - cpu0[0]))
    with open(f"{work}/{label}.ids", "w") as f:
        f.write(",".join(str(i) for i in sorted(mine)))

    own = []  # each execution's started -> finished (whole seconds in the API)
    reference_dir = f"{work}/summaries"
    os.makedirs(reference_dir, exist_ok=True)
    compared = 0
    for name, eid in sorted(ids.items()):
        d = client.json("GET", f"/executions/{eid}")
        if d["status"] != "completed":
            pipelines.fail(f"{label}: execution {eid} ({name}) ended {d['status']}: {d.get('error')}")
            continue
        parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
        own.append(parse(d["finished"]) - parse(d["started"]))
        summary = [o for o in d.get("outputs", []) if o["filename"].endswith("fastq_qc_summary.tsv")]
        if len(summary) != 1:
            pipelines.fail(f"{label}: execution {eid}: no single fastq_qc_summary.tsv among {[o['filename'] for o in d.get('outputs', [])]}")
            continue
        status, body = client.request("GET", f"/data/{summary[0]['id']}/contents?download=true")
        ref = f"{reference_dir}/{name}.tsv"
        if status != 200:
            pipelines.fail(f"{label}: summary of execution {eid}: HTTP {status}")
        elif not os.path.exists(ref):
            with open(ref, "wb") as f:
                f.write(body)
        else:
            with open(ref, "rb") as f:
                if f.read() != body:
                    pipelines.fail(f"{label}: execution {eid}'s summary for {name} differs from the first run's")
            compared += 1
    print(f"RESULT {label}: {len(ids)} executions (submitted in {submitted:.2f} s), all finished in {wall:.1f} s = "
          f"{60 * len(ids) / wall:.1f} executions/min; each started -> finished: median {statistics.median(own) if own else 0:.0f} s, "
          f"max {max(own) if own else 0:.0f} s; machine CPU busy {busy:.0f} %, load average {load0} -> {loadavg()}; completed {len(own)}/{len(ids)}, "
          f"summaries equal to the first run's: {compared}" + ("" if compared else " (this run is the reference)"), flush=True)


def main():
    cmd, base, token, work = sys.argv[1:5]
    client = Client(base, token)
    if cmd == "prepare":
        prepare(client, work)
    elif cmd == "run":
        run(client, work, sys.argv[5])
    else:
        sys.exit(f"unknown command {cmd}")
    sys.exit(1 if pipelines.failures else 0)


if __name__ == "__main__":
    main()
