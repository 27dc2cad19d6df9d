-- S7, S8: POST /bet as many players, each request with the next player's token.
-- wrk -s bench/lua/bet_players.lua ... ; EVENTS (env) = number of events bench-e0 .. bench-e<N-1>;
-- BENCH_TOKENS_FILE (env) = a file of bearer tokens, one a line, one per player (S7: 1,000 players, S8: one).
local events = tonumber(os.getenv("EVENTS") or "100")
local headers = {}
local counter = 0
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  for token in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if token ~= "" then
      headers[#headers + 1] = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
    end
  end
  if #headers == 0 then
    error("no token in " .. os.getenv("BENCH_TOKENS_FILE"))
  end
  -- Each thread starts half-way round the players from the one before it, then takes them in turn.
  counter = id * 100000000 + id * math.floor(#headers / 2)
end

function request()
  counter = counter + 1
  local body = string.format('{"event_id":"bench-e%d","sum_bet":"%d.%02d"}',
    counter % events, 1 + (counter % 997), counter % 100)
  return wrk.format("POST", "/bet", headers[counter % #headers + 1], body)
end

done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
