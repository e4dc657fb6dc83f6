-- wrk script (issue 15): random filtered lists, GET /api/v1/articles?author=A&tag=T&page=P with
-- A, T drawn uniformly from AUTHORS and TAGS (files, one slug per line) and P from 1–3.
local authors, tags = {}, {}
for line in io.lines(os.getenv("AUTHORS")) do authors[#authors + 1] = line end
for line in io.lines(os.getenv("TAGS")) do tags[#tags + 1] = line end
local thread_seed = 0
setup = function(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end
init = function() math.randomseed(2000 + (seed or 0)) end
request = function()
  local path = "/api/v1/articles?author=" .. authors[math.random(#authors)] .. "&tag=" .. tags[math.random(#tags)]
    .. "&page=" .. math.random(3)
  return wrk.format("GET", path)
end
