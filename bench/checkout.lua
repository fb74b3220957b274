-- W-CHECKOUT: each request buys a random published product tier as a new guest, with a fresh
-- Idempotency-Key. Env: SD_STORE (slug), SD_ITEMS ("prd_x:tier_y,prd_a:tier_b,…").
local threads = {}

function setup(thread)
  thread:set("tid", tostring(#threads + 1))
  table.insert(threads, thread)
end

local items, places = {}, {
  '"country":"US","region":"OR"', '"country":"US","region":"WA"',
  '"country":"DE","consent_immediate_delivery":true', '"country":"GB"', '"country":"JP"',
}
-- Globals (not locals): done() reads each thread's counters with thread:get().
store, n, created, other = nil, 0, 0, 0

function init(args)
  store = os.getenv("SD_STORE")
  for pair in string.gmatch(os.getenv("SD_ITEMS"), "[^,]+") do
    local p, t = string.match(pair, "([^:]+):([^:]+)")
    table.insert(items, { p = p, t = t })
  end
  math.randomseed(os.time() * 1000 + tonumber(tid))
end

function request()
  n = n + 1
  local it = items[math.random(#items)]
  local key = string.format("w%s-%d-%d", tid, n, math.random(1, 2000000000))
  local body = string.format(
    '{"store":"%s","items":[{"product_id":"%s","tier_id":"%s","quantity":1}],' ..
    '"email":"%s@bench.example","name":"Bench Buyer",%s,' ..
    '"payment_token":"test_card_4242424242424242"}',
    store, it.p, it.t, key, places[math.random(#places)])
  return wrk.format("POST", "/api/v1/checkout",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("created %d\nnon_201 %d\n", c, o))
  io.write(string.format("p50_ms %.2f\np99_ms %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
