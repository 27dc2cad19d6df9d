-- S1: POST /bet with unique bodies spread over the benchmark's open events.
-- wrk -s bench/lua/bet.lua ... ; EVENTS (env) = number of events bench-e0 .. bench-e<N-1>
local events = tonumber(os.getenv("EVENTS") or "100")
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")}
local counter = 0
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  counter = id * 100000000
end

function request()
  counter = counter + 1
  local body = string.format('{"event_id":"bench-e%d","sum_bet":"%d.%02d"}',
    counter % events, 1 + (counter % 997), counter % 100)
  return wrk.format("POST", "/bet", headers, body)
end

done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
