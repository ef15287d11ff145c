-- wrk script: POSTs pre-signed webhook bodies (bench/make-bodies.py), each thread its own share of the file, so
-- every request is a new message. Prints p50/p99 and the non-2xx count as one parsable line.
local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

function init(args)
    local path, count = args[1], tonumber(args[2])
    bodies = {}
    local line_number = 0
    for line in io.lines(path) do
        if line_number % count == id then
            local signature, body = line:match("^(%S+)\t(.*)$")
            bodies[#bodies + 1] = { signature, body }
        end
        line_number = line_number + 1
    end
    next_body = 0
    wrk.method = "POST"
end

function request()
    next_body = next_body % #bodies + 1
    local item = bodies[next_body]
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = item[1] },
        item[2])
end

function done(summary, latency, requests)
    local non2xx = summary.errors.status
    io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
