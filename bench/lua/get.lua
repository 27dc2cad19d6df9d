-- A plain GET of the path given to wrk, reported like the other scenarios.
done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
