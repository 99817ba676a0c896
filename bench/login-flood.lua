-- wrk script for bench/login-flood.sh: every request is a POST /login with a wrong password for an unknown
-- username that no other request uses (flood-<run>-<thread>-<n>), so that no per-account counter ever
-- fills up and each request costs the server one (decoy) password hash. The response callback counts the
-- statuses; at the end one machine-readable line is printed:
--   RESULT requests=N seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D s401=.. s503=.. s429=.. s2xx=.. sother=..
--          errors=E (connect/read/write/timeout/non2xx)
-- BENCH_RUN (environment) makes the usernames of separate runs distinct.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  s401, s503, s429, s2xx, sother = 0, 0, 0, 0, 0
  prefix = "flood-" .. run .. "-" .. tostring(tid) .. "-"
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  n = n + 1
  local body = '{"username":"' .. prefix .. n .. '","password":"wrong-password-123"}'
  return wrk.format("POST", "/login", headers, body)
end

function response(status, hdrs, body)
  if status == 401 then s401 = s401 + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 200 and status < 300 then s2xx = s2xx + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local c = { s401 = 0, s503 = 0, s429 = 0, s2xx = 0, sother = 0 }
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do c[k] = c[k] + (tonumber(t:get(k)) or 0) end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "s401=%d s503=%d s429=%d s2xx=%d sother=%d errors=%d (%d/%d/%d/%d/%d)\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, c.s401, c.s503, c.s429, c.s2xx, c.sother,
    errors, e.connect, e.read, e.write, e.timeout, e.status))
end
