/**
 * The sign-in throttle's Redis scripts. Each runs atomically, so attempts arriving together on
 * any number of gateways are counted one by one. KEYS hold, for each scope in order, its
 * failures counter then its `blocked` key, whose remaining TTL is the wait.
 */

/**
 * Refuses the attempt while any scope is blocked: returns {waitMs, scope number}. Otherwise counts
 * it as a failure in every scope before the password is checked, blocking the scopes it brings to
 * a delay, so concurrent guesses cannot all slip in before the first one fails; returns
 * {0, 0, delayMs of each scope}. ARGV[1]: the attempt's id (the value of the blocks it sets);
 * ARGV[2]: JSON rules, one per scope, {free, steps, memoryMs} as in the domain's signInDelaySteps.
 */
export const acquireSignInAttempt = `
local rules = cjson.decode(ARGV[2])
local waitMs, waitScope = 0, 0
for i = 1, #rules do
  local remainingMs = redis.call('PTTL', KEYS[2 * i])
  if remainingMs > waitMs then waitMs, waitScope = remainingMs, i end
end
if waitMs > 0 then return {waitMs, waitScope} end
local answer = {0, 0}
for i, rule in ipairs(rules) do
  local failures = redis.call('INCR', KEYS[2 * i - 1])
  local delayMs = 0
  if failures >= rule.free then delayMs = rule.steps[math.min(failures - rule.free + 1, #rule.steps)] end
  if delayMs > 0 then redis.call('SET', KEYS[2 * i], ARGV[1], 'PX', delayMs) end
  redis.call('PEXPIRE', KEYS[2 * i - 1], delayMs + rule.memoryMs)
  answer[2 + i] = delayMs
end
return answer
`;

/**
 * Once the password proved wrong, restarts the waits this attempt set, so each wait runs from the
 * failure rather than from before the (slow) password check. A block another attempt holds is left
 * alone. KEYS: each scope's blocked key; ARGV[1]: the attempt's id; ARGV[1 + i]: scope i's delay.
 */
export const restartSignInWaits = `
for i = 1, #KEYS do
  local delayMs = tonumber(ARGV[1 + i])
  if delayMs > 0 then
    local holder = redis.call('GET', KEYS[i])
    if not holder or holder == ARGV[1] then redis.call('SET', KEYS[i], ARGV[1], 'PX', delayMs) end
  end
end
return 0
`;

/**
 * Settles an attempt that was not a wrong password. ARGV[1]: the attempt's id; ARGV[1 + i]:
 * 'clear' drops scope i's failures and block; 'uncount' takes back this attempt only: one failure,
 * and the block if this attempt set it.
 */
export const settleSignInAttempt = `
for i = 1, #KEYS / 2 do
  local failuresKey, blockedKey = KEYS[2 * i - 1], KEYS[2 * i]
  if ARGV[1 + i] == 'clear' then
    redis.call('DEL', failuresKey, blockedKey)
  else
    if redis.call('GET', blockedKey) == ARGV[1] then redis.call('DEL', blockedKey) end
    if redis.call('DECR', failuresKey) <= 0 then redis.call('DEL', failuresKey) end
  end
end
return 0
`;
