-- wrk script: each connection sends DEPTH requests in one write and reads DEPTH responses
-- (HTTP/1.1 pipelining), so the client spends one syscall pair per DEPTH requests and the server,
-- not wrk, becomes the bottleneck.   wrk ... -s pipeline.lua URL -- DEPTH
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do r[i] = wrk.format(nil) end
  req = table.concat(r)
end

request = function()
  return req
end
