-- wrk script: one-query /match requests, names drawn from a mixed list of Korean (Hangul and
-- romanised, on and off the lists) and non-Korean names. Token from $CORDON_KEY.
-- Optional $CORDON_SEQ_LOG: a file prefix; each thread appends "<request id> <audit seq>" of
-- every 200 to <prefix>.<thread> (the crash test checks them against the audit trail).
local names = {
  "김정은", "Kim Jong Un", "박봉주", "Pak Pong Ju", "리용호", "Ri Yong Ho", "김여정", "Kim Yo Jong",
  "최룡해", "Choe Ryong Hae", "김영철", "Kim Yong Chol", "이수용", "Ri Su Yong", "조연준", "Jo Yon Jun",
  "김철수", "Kim Chul Soo", "이민호", "Lee Min Ho", "박지성", "Park Ji Sung", "정다은", "Jeong Da Eun",
  "한영수", "Han Young Soo", "강민지", "Kang Min Ji", "윤서연", "Yoon Seo Yeon",
  "Lazarus Group", "Korea Mining Development Trading Corporation", "Chosun Expo",
  "John Smith", "Maria Garcia", "Ahmed Hassan", "Vladimir Petrov", "Wei Zhang", "Yuki Tanaka",
  "Oleg Deripaska", "Viktor Bout", "Ali Khamenei", "Juan Carlos Perez", "Anna Schmidt",
  "Mohammed bin Salman", "Hassan Nasrallah", "Abu Bakr al-Baghdadi", "Sergei Ivanov",
  "Olena Kovalenko", "Pierre Dubois", "Giulia Rossi", "Fatima Al-Sayed", "Nguyen Van An",
}
local token = os.getenv("CORDON_KEY") or ""
local seq_log = os.getenv("CORDON_SEQ_LOG")
local counter = 0
local thread_id = 0
local out = nil

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(1234 + thread_id)
  if seq_log then
    out = io.open(seq_log .. "." .. thread_id, "a")
  end
end

request = function()
  local n = names[math.random(#names)]
  local body = '{"queries":{"q1":{"schema":"Person","properties":{"name":["' .. n .. '"]}}}}'
  return wrk.format("POST", "/match/default", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

if seq_log then
  response = function(status, headers, body)
    if status == 200 and out then
      out:write((headers["x-request-id"] or "?") .. " " .. (headers["x-audit-seq"] or "?") .. "\n")
      out:flush()
    end
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, summary.errors.status))
end
