-- wrk script of bench/scenarios.sh: random reads, view counts, article creations and their mix.
-- Arguments after `--` are key=value pairs:
--   mode=get    list=FILE prefix=/api/v1/articles/ [suffix=?q]   GET prefix..<random line>..suffix
--   mode=post   list=FILE prefix=/api/v1/articles/ suffix=/views POST, no body
--   mode=create token=JWT category=ID run=ID                       POST /api/v1/articles, 5 sections
--   mode=mix    list=FILE prefix=… token=… category=… run=… writes=10
--               (writes % creations, the rest reads as mode=get)
-- Any mode: detail=1 counts the statuses and keeps the first error body (a little client CPU).
-- Every creation has its own slug: bench-<run>-<thread>-<counter>.

local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("thread_id", #threads)
end

local opts = {}
local lines = {}
local counter = 0
local create_headers
local sections_json

local function load_lines(file)
    local out = {}
    for line in io.lines(file) do
        if line ~= "" then
            out[#out + 1] = line
        end
    end
    assert(#out > 0, "no lines in " .. file)
    return out
end

-- Five sections of about 190 words each, built once per thread (a typical article of the data set).
local function build_sections()
    local words = {
        "sleep", "stress", "research", "people", "often", "body", "brain", "doctor", "symptoms",
        "health", "feel", "hormones", "heart", "blood", "pressure", "common", "habits", "routine",
        "diet", "exercise", "water", "rest", "weeks", "months", "support", "therapy", "treatment",
        "mood", "anxiety", "fatigue", "energy", "gut", "vitamins", "fiber", "walking", "breathing",
        "the", "a", "of", "and", "to", "in", "is", "that", "with", "may", "can", "your",
    }
    local headings = { "What is going on?", "Common causes", "What the research says",
        "When to see a doctor", "The takeaway" }
    local parts = {}
    for s = 1, 5 do
        local body = {}
        for w = 1, 190 do
            body[w] = words[(s * 7 + w * 13) % #words + 1]
        end
        parts[s] = string.format('{"heading":"%s","body":"%s."}', headings[s], table.concat(body, " "))
    end
    return "[" .. table.concat(parts, ",") .. "]"
end

function init(args)
    for _, arg in ipairs(args) do
        local key, value = arg:match("^([%w_]+)=(.*)$")
        assert(key, "arguments are key=value, not " .. arg)
        opts[key] = value
    end
    opts.prefix = opts.prefix or ""
    opts.suffix = opts.suffix or ""
    opts.writes = tonumber(opts.writes or "0")
    math.randomseed(os.time() * 100 + (thread_id or 0))
    if opts.list then
        lines = load_lines(opts.list)
    end
    if opts.mode == "create" or opts.mode == "mix" then
        assert(opts.token and opts.category and opts.run, "create needs token, category and run")
        create_headers = {
            ["Authorization"] = "Bearer " .. opts.token,
            ["Content-Type"] = "application/json",
        }
        sections_json = build_sections()
    end
    if opts.detail == "1" then
        local counts = {}
        response = function(status, headers, body)
            counts[status] = (counts[status] or 0) + 1
            local parts = {}
            for code, n in pairs(counts) do
                parts[#parts + 1] = code .. ": " .. n
            end
            status_line = table.concat(parts, ", ")
            if status >= 400 and not first_error then
                first_error = status .. " " .. body:sub(1, 400)
            end
        end
    end
end

function done(summary, latency, requests)
    io.write(string.format("latency tail: p99.9 %.2f ms, max %.2f ms\n",
        latency:percentile(99.9) / 1000, latency.max / 1000))
    for i, thread in ipairs(threads) do
        local counts = thread:get("status_line")
        local first = thread:get("first_error")
        if counts then
            io.write(string.format("status counts, thread %d: %s\n", i, counts))
        end
        if first then
            io.write(string.format("first error, thread %d: %s\n", i, first))
        end
    end
end

local function read_request(method)
    local item = lines[math.random(#lines)]
    return wrk.format(method, opts.prefix .. item .. opts.suffix)
end

local function create_request()
    counter = counter + 1
    local id = string.format("%s-%d-%d", opts.run, thread_id or 0, counter)
    local body = string.format(
        '{"title":"Benchmark article %s","slug":"bench-%s","subtitle":"Written by the benchmark.",'
            .. '"category_id":%s,"sections":%s}',
        id, id, opts.category, sections_json)
    return wrk.format("POST", "/api/v1/articles", create_headers, body)
end

function request()
    if opts.mode == "get" then
        return read_request("GET")
    elseif opts.mode == "post" then
        return read_request("POST")
    elseif opts.mode == "create" then
        return create_request()
    elseif opts.mode == "mix" then
        if math.random(100) <= opts.writes then
            return create_request()
        end
        return read_request("GET")
    end
    error("unknown mode " .. tostring(opts.mode))
end
