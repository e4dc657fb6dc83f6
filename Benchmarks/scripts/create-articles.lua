-- wrk script: every request creates a new article (POST /api/v1/articles), as
-- Benchmarks/scripts/write-load.py does, but without Python's per-request cost on the load CPU.
--   TOKEN=... AUTHOR=... wrk -t1 -c16 -d20s -s create-articles.lua http://127.0.0.1:PORT
local token = os.getenv("TOKEN")
local author = os.getenv("AUTHOR")
local run = tostring(os.time()) .. tostring(math.random(1, 1000000))
local n = 0
local body_text = string.rep("A short body for a load test. ", 20)
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}

request = function()
  n = n + 1
  local body = '{"slug":"wrk-' .. run .. '-' .. n .. '","title":"Load ' .. n ..
    '","published_at":"2026-12-01T10:00:00Z","authors":["' .. author ..
    '"],"tags":["energy"],"body_markdown":"' .. body_text .. '"}'
  return wrk.format("POST", "/api/v1/articles", headers, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  -- wrk's per-thread state is not visible here; non-2xx shows in wrk's own summary.
end
