-- Rotating search queries for wrk: a different q on every request, cycling through a word list.
local words = {"policy", "energy", "election", "trade", "security", "region", "minister", "economy", "agreement",
  "border", "market", "reform", "climate", "treaty", "summit", "investment", "transport", "dialogue", "crisis", "peace",
  "cooperation", "strategy", "development", "conflict", "partnership", "integration", "sanctions", "diplomacy",
  "infrastructure", "negotiation", "sovereignty", "stability"}
local i = 0
request = function()
  i = i + 1
  local q = words[(i % #words) + 1]
  if i % 3 == 0 then q = q .. "+" .. words[((i * 7) % #words) + 1] end
  if i % 5 == 0 then q = string.sub(q, 1, 4) .. "*" end
  return wrk.format("GET", "/api/v1/search?q=" .. q)
end
