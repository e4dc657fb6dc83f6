-- wrk script for Benchmarks/cache-zipf.sh: GET /api/v1/articles/{slug} with slugs drawn from a
-- Zipf(S) distribution over the slugs in SLUGS (one per line); rank r is requested with
-- probability proportional to 1/r^S. The rank → slug mapping is a fixed shuffle (seed 1), so
-- popularity has nothing to do with the store's order.
local S = tonumber(os.getenv("ZIPF_S") or "0.99")
local slugs = {}
for line in io.lines(os.getenv("SLUGS")) do slugs[#slugs + 1] = line end
local n = #slugs
math.randomseed(1)
for i = n, 2, -1 do
  local j = math.random(i)
  slugs[i], slugs[j] = slugs[j], slugs[i]
end
local cdf, total = {}, 0
for r = 1, n do
  total = total + 1 / r ^ S
  cdf[r] = total
end

local thread_seed = 0
setup = function(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end

init = function()
  math.randomseed(1000 + (seed or 0))
end

request = function()
  local x = math.random() * total
  local lo, hi = 1, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < x then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", "/api/v1/articles/" .. slugs[lo])
end
