-- Shared by the wrk scripts (post.lua, paced.lua): each thread gets an id, reads its own share of a
-- make-bodies.py file (signature TAB body per line), and posts a body the way Meta does.
-- Loaded with dofile relative to the script, so wrk may be run from anywhere.

threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

-- This thread's share of lines [first, first + total) of `path`, split over `thread_count` threads; total nil
-- means to the end of the file.
function load_share(path, thread_count, first, total)
    local share = {}
    local line_number = 0
    for line in io.lines(path) do
        if total and line_number >= first + total then break end
        if line_number >= first and (line_number - first) % thread_count == id then
            local signature, body = line:match("^(%S+)\t(.*)$")
            share[#share + 1] = { signature, body }
        end
        line_number = line_number + 1
    end
    return share
end

function signed_post(item)
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = item[1] },
        item[2])
end
