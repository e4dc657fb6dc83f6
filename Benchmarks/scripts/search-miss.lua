-- Search queries that miss the response cache: rotating words, each with a fresh page number,
-- so every request runs the full-text search (off the event loop) and encodes a new page.
local words = {"policy", "energy", "election", "trade", "security", "region", "minister", "economy", "agreement",
  "border", "market", "reform", "climate", "treaty", "summit", "investment", "transport", "dialogue", "crisis", "peace"}
local i = 0
request = function()
  i = i + 1
  local q = words[(i % #words) + 1]
  return wrk.format("GET", "/api/v1/search?q=" .. q .. "&per_page=5&page=" .. (i % 50000 + 1))
end
