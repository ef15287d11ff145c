-- wrk script for the soak and burst runs (bench/soak): each thread POSTs its share of lines [first, first+count)
-- of a make-bodies.py file exactly once, optionally paced, then stops. Extra requests from connections still open
-- after a thread's share is used up go to /bench/idle (204) and are not counted, so no message is posted twice.
--   wrk ... -s bench/paced.lua URL -- FILE THREADS FIRST COUNT DELAY_MS
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "bodies.lua")

function init(args)
    bodies = load_share(args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4]))
    pause = tonumber(args[5])
    next_body = 0
    answered, failed = 0, 0
    -- NB: wrk calls request() once on the first thread right after init to inspect it, and throws the result
    -- away: that call must not use up a message.
    inspected = id ~= 0
end

function delay()
    return pause
end

function request()
    if not inspected or next_body >= #bodies then
        inspected = true
        return wrk.format("GET", "/bench/idle")
    end
    next_body = next_body + 1
    return signed_post(bodies[next_body])
end

function response(status, headers, body)
    if status == 204 then return end
    answered = answered + 1
    if status ~= 200 then failed = failed + 1 end
    if answered >= #bodies then wrk.thread:stop() end
end

function done(summary, latency, requests)
    local answered_total, failed_total = 0, 0
    for _, thread in ipairs(threads) do
        answered_total = answered_total + thread:get("answered")
        failed_total = failed_total + thread:get("failed")
    end
    io.write(string.format(
        "RESULT posted=%d non200=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f socket_errors=%d\n",
        answered_total, failed_total, summary.duration / 1e6, answered_total / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
