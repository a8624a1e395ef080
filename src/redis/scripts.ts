import { createHash } from 'node:crypto';

// The Lua side of the Redis store. Each operation is one script, so it is one atomic round trip.
//
// Calling convention (shared by every script):
//   KEYS: three per counter, in request order: the counter hash, the lease sorted set, the lease
//         amounts hash (all sharing one hash tag, so a cluster keeps them in one slot).
//   ARGV: the script's own leading arguments, then five per counter: window kind ('f' fixed,
//         'r' rolling, 'l' lifetime), two window numbers (fixed: end and 0; rolling: sizeMs and
//         bucketMs), the limit and the amount.
// Numbers travel as decimal strings both ways: Lua numbers are doubles, but Redis truncates a
// Lua number in a reply to an integer, so replies are strings formatted with 17 significant digits.
//
// Per counter:
//   counter hash  `spent` (fixed, lifetime), `b:<bucketStart>` (rolling), `reserved` (sum of leases)
//   lease zset    reservation id -> lease expiry (server ms)
//   amounts hash  reservation id -> amount held
// Expired leases are swept (and aged-out buckets dropped) at the start of every script, for the
// counters it names. Times come from the server (`TIME`), so processes with skewed clocks agree on
// lease expiry and rolling buckets; fixed window ends are the caller's and arrive in ARGV.

export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

const prelude = `
if redis.replicate_commands then redis.replicate_commands() end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function num(s)
  if s == 'Infinity' then return math.huge end
  if s == '-Infinity' then return -math.huge end
  return tonumber(s)
end

local function fmt(x)
  if x == math.huge then return 'Infinity' end
  if x == -math.huge then return '-Infinity' end
  return string.format('%.17g', x)
end

-- Same comparison (and tolerance) as fits() in src/budget/store.ts.
local function fits(spent, reserved, amount, limit)
  return spent + reserved + amount <= limit * (1 + 1e-9) + 1e-12
end

local function counters(first)
  local list = {}
  for i = 1, #KEYS / 3 do
    local k = (i - 1) * 3
    local a = first + (i - 1) * 5
    list[i] = {
      ck = KEYS[k + 1], lk = KEYS[k + 2], ak = KEYS[k + 3],
      kind = ARGV[a], p = num(ARGV[a + 1]), q = num(ARGV[a + 2]),
      limit = num(ARGV[a + 3]), amount = num(ARGV[a + 4]),
    }
  end
  return list
end

-- unpack() has a stack limit: commands taking many ids go in chunks.
local function chunks(list, fn)
  for i = 1, #list, 500 do
    fn(unpack(list, i, math.min(i + 499, #list)))
  end
end

local function spent_of(c, s)
  if c.kind ~= 'r' then return s.spent end
  local total = 0
  for j = 1, #s.buckets do total = total + s.buckets[j][2] end
  return total
end

local function save_reserved(c, s)
  if s.reserved == 0 then redis.call('HDEL', c.ck, 'reserved')
  else redis.call('HSET', c.ck, 'reserved', fmt(s.reserved)) end
end

-- Reads a counter, dropping expired leases and aged-out buckets (from Redis too when write).
local function load(c, t, write)
  local s = { spent = 0, reserved = 0, buckets = {} }
  if c.kind == 'r' then
    local all = redis.call('HGETALL', c.ck)
    local oldest = t - c.p
    local gone = {}
    for j = 1, #all, 2 do
      local f = all[j]
      if f == 'reserved' then
        s.reserved = tonumber(all[j + 1])
      elseif string.sub(f, 1, 2) == 'b:' then
        local start = tonumber(string.sub(f, 3))
        if start + c.q <= oldest then gone[#gone + 1] = f
        else s.buckets[#s.buckets + 1] = { start, tonumber(all[j + 1]) } end
      end
    end
    if write and #gone > 0 then chunks(gone, function(...) redis.call('HDEL', c.ck, ...) end) end
    table.sort(s.buckets, function(x, y) return x[1] < y[1] end)
  else
    local v = redis.call('HMGET', c.ck, 'spent', 'reserved')
    s.spent = tonumber(v[1]) or 0
    s.reserved = tonumber(v[2]) or 0
  end
  local expired = redis.call('ZRANGEBYSCORE', c.lk, '-inf', t)
  if #expired > 0 then
    chunks(expired, function(...)
      local amounts = redis.call('HMGET', c.ak, ...)
      for j = 1, #amounts do s.reserved = s.reserved - (tonumber(amounts[j]) or 0) end
      if write then redis.call('HDEL', c.ak, ...) end
    end)
    local live
    if write then
      redis.call('ZREMRANGEBYSCORE', c.lk, '-inf', t)
      live = redis.call('EXISTS', c.lk)
    else
      live = redis.call('ZCOUNT', c.lk, '(' .. fmt(t), '+inf')
    end
    if live == 0 then s.reserved = 0 end -- no float residue once nothing is held
    if write then save_reserved(c, s) end
  end
  return s
end

-- Loads each distinct counter once, so a key named twice shares one state.
local function load_all(cs, t)
  local states, by_key = {}, {}
  for i = 1, #cs do
    local s = by_key[cs[i].ck]
    if not s then
      s = load(cs[i], t, true)
      by_key[cs[i].ck] = s
    end
    states[i] = s
  end
  return states
end

-- Drops reservation id from a counter; true when it held one.
local function drop_lease(c, s, id)
  local previous = tonumber(redis.call('HGET', c.ak, id))
  if not previous then return false end
  s.reserved = s.reserved - previous
  redis.call('HDEL', c.ak, id)
  redis.call('ZREM', c.lk, id)
  if redis.call('EXISTS', c.lk) == 0 then s.reserved = 0 end
  save_reserved(c, s)
  return true
end

-- When the counter's keys may go: fixed windows after their end plus the lease; rolling ones once
-- every bucket and lease has aged out; lifetime never (nil).
local function expiry(c, t, lease)
  if c.kind == 'f' then return math.max(c.p, t) + lease end
  if c.kind == 'r' then return t + lease + c.p + c.q end
  return nil
end

-- Pushes the keys' expiry out to at (never earlier than it already is).
local function touch(c, t, at)
  if at == nil then return end
  at = math.ceil(at)
  local keys = { c.ck, c.lk, c.ak }
  for j = 1, 3 do
    local ttl = redis.call('PTTL', keys[j])
    if ttl == -1 or (ttl >= 0 and t + ttl < at) then
      redis.call('PEXPIREAT', keys[j], string.format('%.0f', at))
    end
  end
end

local function states_reply(head, cs, states)
  for i = 1, #cs do
    head[#head + 1] = fmt(spent_of(cs[i], states[i]))
    head[#head + 1] = fmt(states[i].reserved)
  end
  return head
end
`;

/** ARGV: id, leaseMs, counters. Reply: '1', then spent/reserved per counter; or '0', refused index, rolling retry ('' if none), states. */
const reserve = `
local id, lease = ARGV[1], num(ARGV[2])
local t = now_ms()
local cs = counters(3)
local states = load_all(cs, t)
for i = 1, #cs do
  local c, s = cs[i], states[i]
  if not fits(spent_of(c, s), s.reserved, c.amount, c.limit) then
    local retry = ''
    if c.kind == 'r' then
      -- How long until enough settled spend ages out of the rolling window.
      local excess = spent_of(c, s) + s.reserved + c.amount - c.limit
      for j = 1, #s.buckets do
        excess = excess - s.buckets[j][2]
        if excess <= 0 then
          retry = fmt(math.max(0, s.buckets[j][1] + c.q + c.p - t))
          break
        end
      end
    end
    return states_reply({ '0', tostring(i - 1), retry }, cs, states)
  end
end
for i = 1, #cs do
  local c, s = cs[i], states[i]
  local previous = tonumber(redis.call('HGET', c.ak, id))
  if previous then s.reserved = s.reserved - previous end
  s.reserved = s.reserved + c.amount
  redis.call('HSET', c.ak, id, fmt(c.amount))
  redis.call('ZADD', c.lk, fmt(t + lease), id)
  save_reserved(c, s)
  touch(c, t, expiry(c, t, lease))
end
return states_reply({ '1' }, cs, states)
`;

/** ARGV: id, counters (amount = actual spend). Reply: spent/reserved per counter. */
const settle = `
local id = ARGV[1]
local t = now_ms()
local cs = counters(2)
local states = load_all(cs, t)
local out = {}
for i = 1, #cs do
  local c, s = cs[i], states[i]
  drop_lease(c, s, id)
  if c.amount > 0 then
    if c.kind == 'r' then
      local start = t - t % c.q
      local bucket
      for j = #s.buckets, 1, -1 do
        if s.buckets[j][1] == start then bucket = s.buckets[j] break end
      end
      if not bucket then
        bucket = { start, 0 }
        s.buckets[#s.buckets + 1] = bucket
        table.sort(s.buckets, function(x, y) return x[1] < y[1] end)
      end
      bucket[2] = bucket[2] + c.amount
      redis.call('HSET', c.ck, 'b:' .. fmt(start), fmt(bucket[2]))
    else
      s.spent = s.spent + c.amount
      redis.call('HSET', c.ck, 'spent', fmt(s.spent))
    end
  end
  touch(c, t, expiry(c, t, 0))
  out[#out + 1] = fmt(spent_of(c, s))
  out[#out + 1] = fmt(s.reserved)
end
return out
`;

/** ARGV: id, counters. Reply: 'ok'. */
const release = `
local id = ARGV[1]
local t = now_ms()
local cs = counters(2)
for i = 1, #cs do
  local c = cs[i]
  if redis.call('EXISTS', c.lk) == 1 then
    drop_lease(c, load(c, t, true), id)
  end
end
return 'ok'
`;

/** ARGV: id, leaseMs, counters. Reply: '1' when every counter still held the lease, else '0'. */
const renew = `
local id, lease = ARGV[1], num(ARGV[2])
local t = now_ms()
local cs = counters(3)
local all = '1'
for i = 1, #cs do
  local c = cs[i]
  if redis.call('EXISTS', c.lk) == 1 then load(c, t, true) end
  if redis.call('ZSCORE', c.lk, id) then
    redis.call('ZADD', c.lk, fmt(t + lease), id)
    touch(c, t, expiry(c, t, lease))
  else
    all = '0'
  end
end
return all
`;

/** ARGV: counters. Reply: spent/reserved per counter. Writes nothing. */
const peek = `
local t = now_ms()
local cs = counters(1)
local states = {}
for i = 1, #cs do states[i] = load(cs[i], t, false) end
return states_reply({}, cs, states)
`;

function script(body: string): LuaScript {
  const lua = prelude + body;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export const scripts = {
  reserve: script(reserve),
  settle: script(settle),
  release: script(release),
  renew: script(renew),
  peek: script(peek),
} as const;
