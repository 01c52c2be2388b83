-- One wrk script for every scenario; bench/run.py sets it up through the environment:
--   BENCH_METHOD    GET (default) or POST
--   BENCH_PATHS     one path, or several separated by "|" (taken in turn by each connection)
--   BENCH_AUTH      the value of the Authorization header (token scenarios)
--   BENCH_COOKIE    the value of the Cookie header (HTML scenarios, a signed-in session)
--   BENCH_BODY      the request body (POST), sent as JSON
-- done() prints one JSON line that run.py parses: throughput, latency percentiles, errors.

local method = os.getenv("BENCH_METHOD") or "GET"
local auth = os.getenv("BENCH_AUTH") or ""
local cookie = os.getenv("BENCH_COOKIE") or ""
local body = os.getenv("BENCH_BODY") or ""
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "[^|]+") do
  paths[#paths + 1] = path
end

local counter = 0
local thread_offset = 0
local threads = {}

function setup(thread)
  thread:set("thread_offset", #threads * 7919)
  threads[#threads + 1] = thread
end

function init(args)
  counter = thread_offset
  wrk.method = method
  if auth ~= "" then wrk.headers["Authorization"] = auth end
  if cookie ~= "" then wrk.headers["Cookie"] = cookie end
  if method == "POST" then
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = body
  end
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local errors = summary.errors
  print(string.format(
    '{"bench": true, "requests": %d, "duration_us": %d, "rps": %.2f, ' ..
    '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
