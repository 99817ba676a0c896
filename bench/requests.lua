-- wrk script for bench/listings/run.sh and bench/search/run.sh: rotates over a file of requests, one a line:
-- "<path> <access token>", or "<path> -" for an anonymous request (no Authorization header). Each wrk thread starts
-- at a different line and takes them in turn, so users, tokens and query values change from one request to the next.
--   BENCH_REQUESTS=file wrk ... -s bench/requests.lua http://127.0.0.1:PORT
-- At the end it prints one machine-readable line (wrk's own latency histogram):
--   RESULT requests=N seconds=S rps=R p50_ms=A p90_ms=B p95_ms=C p99_ms=D max_ms=E errors=F (connect/read/write/timeout/non2xx)

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
      local headers = {}
      if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
      requests[#requests + 1] = wrk.format("GET", path, headers)
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
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d (%d/%d/%d/%d/%d)\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, e.connect, e.read, e.write, e.timeout, e.status))
end
