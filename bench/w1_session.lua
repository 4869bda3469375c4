-- GET /auth/session with Cookie: session=<token>, rotating through a tokens file
-- (one token per line), like W1 of the shared harness (../shared/bench).
-- wrk -s bench/w1_session.lua URL -- TOKENS_FILE
local reqs, n, i = {}, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then reqs[#reqs + 1] = wrk.format("GET", "/auth/session", { ["Cookie"] = "session=" .. line }) end
  end
  n = #reqs
  i = math.random(n)
end

function request()
  i = i % n + 1
  return reqs[i]
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d sock_err=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
