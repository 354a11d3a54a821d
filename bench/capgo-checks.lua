-- wrk script for bench/capgo-checks.sh: update checks as the reference plugin (8.x) sends them, or Patchbay's own,
-- for the same device pool (fixed ids), half on the builtin assets (answer: update), half on the served bundle
-- (answer: up to date). BENCH_PROTOCOL=capgo posts the plugin's info object to /compat/capgo/updates; anything else
-- posts Patchbay's check (with a fresh nonce) to /updates.
local app = os.getenv("BENCH_APP") or "com.example.bench"
local root = os.getenv("BENCH_ROOT_KEY_ID") or "0000000000000000"
local content = os.getenv("BENCH_CONTENT_KEY_ID") or "0000000000000000"
local bundle = os.getenv("BENCH_BUNDLE") or "1.5.0"
local capgo = os.getenv("BENCH_PROTOCOL") == "capgo"
local pool = 10000
local devices = {}
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

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
  math.randomseed(42)
  for i = 1, pool do
    devices[i] = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
  end
  math.randomseed(os.time() * 1000 + (seed or 0))
end

local function nonce()
  local t = {}
  for i = 1, 21 do
    local v = math.random(1, 64)
    t[i] = string.sub(b64, v, v)
  end
  t[22] = "A"
  return table.concat(t)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  local i = math.random(1, pool)
  local current = "builtin"
  if i % 2 == 0 then current = bundle end
  if capgo then
    local body = '{"platform":"android","device_id":"' .. devices[i] .. '","app_id":"' .. app .. '","custom_id":"",'
      .. '"version_build":"1.4.0","version_code":"140","version_os":"14","version_name":"' .. current .. '",'
      .. '"plugin_version":"8.51.14","is_emulator":false,"is_prod":true,"install_source":"google_play",'
      .. '"defaultChannel":""}'
    return wrk.format(nil, "/compat/capgo/updates", nil, body)
  end
  local seq = "null"
  if current ~= "builtin" then seq = "1" end
  local body = '{"appId":"' .. app .. '","deviceId":"' .. devices[i] .. '","platform":"android","osVersion":"14",'
    .. '"nativeVersion":"1.4.0","nativeBuild":140,"runtimeVersion":"0.1.0","currentBundle":"' .. current .. '",'
    .. '"currentSequence":' .. seq .. ',"channel":null,"customId":null,"isEmulator":false,"isProduction":true,'
    .. '"keyIds":{"root":"' .. root .. '","content":"' .. content .. '"},"nonce":"' .. nonce() .. '"}'
  return wrk.format(nil, "/updates", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms; %d requests, %d errors (non-2xx %d)\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
