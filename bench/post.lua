-- wrk script: POSTs pre-signed webhook bodies (bench/make-bodies.py), each thread its own share of the file, so
-- every request is a new message. Prints p50/p99 and the non-2xx count as one parsable line.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "bodies.lua")

function init(args)
    bodies = load_share(args[1], tonumber(args[2]), 0, nil)
    next_body = 0
end

function request()
    next_body = next_body % #bodies + 1
    return signed_post(bodies[next_body])
end

function done(summary, latency, requests)
    local non2xx = summary.errors.status
    io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
