-- wrk script for bench/update-checks.sh: POST /updates with realistic device bodies. A pool of devices (fixed ids),
-- half of them still on the builtin assets (answer: update, with the release envelope), half on the served bundle
-- (answer: up_to_date); a fresh random nonce per request, as real devices send.
-- With BENCH_POOL_FILE (bench/update-checks.sh --rollout): the devices of that file ("<deviceId> <0|1>" per line, 1 =
-- selected by the rollout), each asking for channel BENCH_CHANNEL and running what it should get: BENCH_TARGET if
-- selected and BENCH_TARGET is set, else BENCH_STABLE (answer: up_to_date for every check).
local app = os.getenv("BENCH_APP") or "com.example.bench"
local root = os.getenv("BENCH_ROOT_KEY_ID") or "0000000000000000"
local content = os.getenv("BENCH_CONTENT_KEY_ID") or "0000000000000000"
local bundle = os.getenv("BENCH_BUNDLE") or "1.5.0"
local pool = tonumber(os.getenv("BENCH_DEVICES") or "10000")
local pool_file = os.getenv("BENCH_POOL_FILE")
local channel = os.getenv("BENCH_CHANNEL")
local stable = os.getenv("BENCH_STABLE") or bundle
local stable_seq = os.getenv("BENCH_STABLE_SEQUENCE") or "1"
local target = os.getenv("BENCH_TARGET")
local target_seq = os.getenv("BENCH_TARGET_SEQUENCE") or "2"
-- Devices ask for batch-signed freshness statements (ADR 0114) unless BENCH_SINGLE_SIGNATURE=1 (devices that predate it).
local batch = ""
if os.getenv("BENCH_SINGLE_SIGNATURE") ~= "1" then batch = ',"freshnessBatch":true' end
local selected = {}
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local last = "AQgw"
local devices = {}

local function hex(n)
  local t = {}
  for i = 1, n do
    local v = math.random(0, 15)
    t[i] = string.sub("0123456789abcdef", v + 1, v + 1)
  end
  return table.concat(t)
end

local thread_seed = 0
function setup(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end

function init(args)
  -- The same device pool in every wrk thread (fixed seed), then per-thread randomness for choices and nonces.
  math.randomseed(42)
  if pool_file and pool_file ~= "" then
    pool = 0
    for line in io.lines(pool_file) do
      local id, sel = string.match(line, "^(%S+) (%d)$")
      if id then
        pool = pool + 1
        devices[pool] = id
        selected[pool] = sel == "1"
      end
    end
  else
    for i = 1, pool do
      devices[i] = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
    end
  end
  math.randomseed(os.time() * 1000 + (seed or 0))
end

local function nonce()
  local t = {}
  for i = 1, 21 do
    local v = math.random(1, 64)
    t[i] = string.sub(b64, v, v)
  end
  local v = math.random(1, 4)
  t[22] = string.sub(last, v, v)
  return table.concat(t)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  local i = math.random(1, pool)
  local current, seq
  if pool_file and pool_file ~= "" then
    if selected[i] and target and target ~= "" then current, seq = target, target_seq else current, seq = stable, stable_seq end
  elseif i % 2 == 0 then current, seq = bundle, "8" else current, seq = "builtin", "null" end
  local ch = "null"
  if channel and channel ~= "" then ch = '"' .. channel .. '"' end
  local body = '{"appId":"' .. app .. '","deviceId":"' .. devices[i] .. '","platform":"android","osVersion":"14",'
    .. '"nativeVersion":"1.4.0","nativeBuild":140,"runtimeVersion":"0.1.0","currentBundle":"' .. current .. '",'
    .. '"currentSequence":' .. seq .. ',"channel":' .. ch .. ',"customId":null,"isEmulator":false,"isProduction":true,'
    .. '"keyIds":{"root":"' .. root .. '","content":"' .. content .. '"},"nonce":"' .. nonce() .. '"' .. batch .. '}'
  return wrk.format(nil, "/updates", nil, body)
end

-- No response() callback: with one, wrk copies every answer's headers and body into Lua, client CPU that on a
-- loopback benchmark competes with the server (the health runs use no script at all). wrk counts non-2xx answers
-- itself (summary.errors.status, printed below).

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d requests, %d errors (non-2xx %d)\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
