-- wrk script for Benchmarks/search-attack.sh: the worst requests found against search and the
-- response cache (issue 19), mixed at random on every connection.
local common = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "at", "from",
                "energy", "trade", "policy", "security", "region"}
local prefixes = {"con*", "pro*", "tra*", "sta*", "res*", "pol*", "eco*", "int*", "gov*", "ene*", "reg*", "dev*"}

local function pick(list, n)
  local out = {}
  for i = 1, n do out[i] = list[math.random(#list)] end
  return table.concat(out, "+")
end

local function distinct(list, n)
  local out, seen = {}, {}
  while #out < n do
    local w = list[math.random(#list)]
    if not seen[w] then seen[w] = true; out[#out + 1] = w end
  end
  return table.concat(out, "+")
end

request = function()
  local r = math.random(8)
  local path
  if r == 1 then      -- the most prefix terms allowed, deep pages, snippets for 100 hits
    path = "/api/v1/search?q=" .. distinct(prefixes, 3) .. "&per_page=100&page=" .. math.random(1, 5)
  elseif r == 2 then  -- the most distinct common terms allowed
    path = "/api/v1/articles?q=" .. distinct(common, 8) .. "&per_page=100&page=" .. math.random(1, 3)
  elseif r == 3 then  -- a word repeated 32 times (folded to one term)
    path = "/api/v1/search?q=" .. string.rep("the+", 31) .. "the&per_page=100&page=" .. math.random(1, 5)
  elseif r == 4 then  -- 32 one-letter prefixes (refused: too many, too short)
    path = "/api/v1/articles?q=" .. string.rep("t*+", 31) .. "t*&per_page=100&page=2"
  elseif r == 5 then  -- whole bodies, 100 at a time (over 1/64 of the cache: never cached)
    path = "/api/v1/articles?per_page=100&include=body&page=" .. math.random(1, 5)
  elseif r == 6 then  -- distinct URLs to churn the cache
    path = "/api/v1/articles?per_page=" .. math.random(1, 100) .. "&page=" .. math.random(1, 5)
  elseif r == 7 then  -- an author's list searched, percent-encoded q
    path = "/api/v1/authors/" .. author .. "/articles?%71=" .. pick(common, 6) .. "&per_page=100"
  else                -- feeds, deep pages (50 bodies each)
    path = "/feed.json?page=" .. math.random(1, 10)
  end
  return wrk.format("GET", path)
end

author = os.getenv("ATTACK_AUTHOR") or "none"
