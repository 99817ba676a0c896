-- wrk script for bench/listings/run.sh: rotates over a list of requests, each with its own bearer token.
--   BENCH_REQUESTS=file wrk ... -s requests.lua http://127.0.0.1:PORT
-- The file has one request a line: "<path> <access token>" (the path with its query string). Each wrk thread
-- starts at a different line and then takes the lines in turn, so users and ids rotate across requests.
-- At the end it prints one machine-readable line (the same as bench/wrk-report.lua):
--   RESULT requests=N seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D errors=E (connect/read/write/timeout/non2xx)

local threads = 0

function setup(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end

local requests = {}
local next_i = 0

function init(args)
  local name = os.getenv("BENCH_REQUESTS")
  local f = assert(io.open(name, "r"), "cannot read BENCH_REQUESTS=" .. tostring(name))
  for line in f:lines() do
    local path, token = line:match("^(%S+)%s+(%S+)%s*$")
    if path then
      requests[#requests + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
    end
  end
  f:close()
  assert(#requests > 0, "no requests in " .. name)
  next_i = ((thread_no or 0) * 7919) % #requests
end

function request()
  next_i = next_i % #requests + 1
  return requests[next_i]
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d (%d/%d/%d/%d/%d)\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, e.connect, e.read, e.write, e.timeout, e.status))
end
