import type { RedisClient } from '../../infra/redis/redis-client';
import type { Clock } from '../../infra/clock/clock';

/**
 * Takes up to `want` hits from a client's budget in one window, atomically: never more than the
 * limit over every process, a lease never more than a quarter of what is left (so leases shrink
 * near the limit and few tokens sit unused in other processes). KEYS[1] the window's counter;
 * ARGV: limit, want, the counter's lifetime (ms), the divisor of what is left. Answers
 * {granted, counted after}.
 */
const LEASE_SCRIPT = `
local limit = tonumber(ARGV[1])
local want = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = limit - used
if left <= 0 then return {0, used} end
local grant = want
if want > 1 then
  local share = math.ceil(left / tonumber(ARGV[4]))
  if share < grant then grant = share end
end
if grant > left then grant = left end
used = redis.call('INCRBY', KEYS[1], grant)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {grant, used}
`;

/** A lease takes at most this share of what is left of the budget (the script's ARGV[4]). */
const LEASE_SHARE_DIVISOR = 4;

type LeasingRedis = RedisClient & {
  rateLimitLease(
    key: string,
    limit: number,
    want: number,
    lifetimeMs: number,
    divisor: number,
  ): Promise<[number, number]>;
};

export interface RateLimitBudgetOptions {
  /** The most hits one lease takes from Redis for a process to spend locally. */
  maxLease: number;
  /** The most clients whose lease a process keeps; past it, the oldest are forgotten. */
  maxEntries: number;
}

export const DEFAULT_BUDGET_OPTIONS: RateLimitBudgetOptions = { maxLease: 50, maxEntries: 10_000 };

/** What the guard answers with: allowed or not, and the X-RateLimit-* / Retry-After figures. */
export interface BudgetAnswer {
  allowed: boolean;
  limit: number;
  /** Hits left in this window as this process knows it (never below 0). */
  remaining: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
}

/** One client's state in this process for the current window. */
interface Entry {
  window: number;
  /** Hits leased from Redis (already counted there) not yet spent here. */
  tokens: number;
  /** The window's counter in Redis after this process's last call: every process's hits. */
  counted: number;
  /** Redis said the budget is spent: nothing is left until the window ends (counters only grow). */
  exhausted: boolean;
  /** A lease on its way: other requests of the client wait for it instead of asking again. */
  pending?: Promise<void>;
}

/**
 * The default per-client limit, shared by every API process through one Redis counter per client
 * and window (windows aligned on the given clock, `limit` hits per `windowMs`: the machine's time
 * in the app, a TestClock in tests), without a Redis
 * round trip per request where that is safe (docs/adr/0056):
 *
 * - `lease` requests (anonymous public reads) spend hits leased in batches: one Redis call takes
 *   up to `maxLease` hits (at most a quarter of what is left) and the process spends them without
 *   asking again. Redis counts every leased hit, so all processes together never admit more than
 *   the limit; a client may be refused by one process while others still hold a few of its hits
 *   (at most one lease each, spent if its requests reach them).
 * - Other requests (authenticated, writes) spend a hit this process already holds, or take exactly
 *   one from Redis: one round trip, as exact as before.
 * - A spent budget is remembered until its window ends, so a refused client costs no round trip.
 *
 * The local state holds at most `maxEntries` clients: entries of past windows go first, then the
 * oldest; forgetting an entry only leaves its unspent hits unused (a stricter limit, never a looser one).
 */
export class RateLimitBudget {
  private readonly entries = new Map<string, Entry>();
  private readonly redis: LeasingRedis;
  /** The window whose past entries were last swept out (one sweep per window, not per request). */
  private sweptWindow = -1;

  constructor(
    redis: RedisClient,
    private readonly clock: Clock,
    private readonly options: RateLimitBudgetOptions = DEFAULT_BUDGET_OPTIONS,
  ) {
    this.redis = redis as LeasingRedis;
    if (typeof this.redis.rateLimitLease !== 'function') {
      this.redis.defineCommand('rateLimitLease', { numberOfKeys: 1, lua: LEASE_SCRIPT });
    }
  }

  /** How many clients this process holds state for (bounded by `maxEntries`). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * One hit of `key`'s budget of `limit` per `windowMs`: from a lease (`lease`: anonymous public
   * reads) or exactly (one Redis call unless this process holds a leased hit). Throws when Redis
   * fails (the guard decides what that means).
   */
  async take(key: string, limit: number, windowMs: number, lease: boolean): Promise<BudgetAnswer> {
    for (;;) {
      const now = this.clock.now().getTime();
      const window = Math.floor(now / windowMs);
      const resetSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
      const entry = this.current(key, window);
      if (entry.tokens > 0) {
        entry.tokens -= 1;
        return { allowed: true, limit, remaining: remainingOf(entry, limit), resetSeconds };
      }
      if (entry.exhausted) return { allowed: false, limit, remaining: 0, resetSeconds };
      if (entry.pending) {
        await entry.pending;
        continue;
      }
      const want = lease ? Math.max(1, Math.min(this.options.maxLease, limit)) : 1;
      const call = this.redis.rateLimitLease(
        `${key}:${window}`,
        limit,
        want,
        // The counter outlives its window whatever the clocks say; a later window has a new key.
        2 * windowMs,
        LEASE_SHARE_DIVISOR,
      );
      if (!lease) {
        const [granted, counted] = await call;
        entry.counted = Math.max(entry.counted, counted);
        if (granted === 0) entry.exhausted = true;
        return {
          allowed: granted > 0,
          limit,
          remaining: granted > 0 ? remainingOf(entry, limit) : 0,
          resetSeconds,
        };
      }
      entry.pending = call.then(
        ([granted, counted]) => {
          entry.tokens += granted;
          entry.counted = Math.max(entry.counted, counted);
          if (granted === 0) entry.exhausted = true;
          entry.pending = undefined;
        },
        (error: unknown) => {
          entry.pending = undefined;
          throw error;
        },
      );
      await entry.pending;
    }
  }

  /** The client's entry for this window, made (and the map kept in bounds) when missing or stale. */
  private current(key: string, window: number): Entry {
    const found = this.entries.get(key);
    if (found && found.window === window) return found;
    if (found) this.entries.delete(key);
    else if (this.entries.size >= this.options.maxEntries) this.evict(window);
    const entry: Entry = { window, tokens: 0, counted: 0, exhausted: false };
    this.entries.set(key, entry);
    return entry;
  }

  /** Makes room for one entry: every entry of a past window, else the oldest one. */
  private evict(window: number): void {
    if (this.sweptWindow !== window) {
      this.sweptWindow = window;
      for (const [key, entry] of this.entries) {
        if (entry.window !== window && !entry.pending) this.entries.delete(key);
      }
      if (this.entries.size < this.options.maxEntries) return;
    }
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}

/** The hits left as this process knows them: the Redis count minus what it holds unspent. */
function remainingOf(entry: Entry, limit: number): number {
  return Math.max(0, limit - (entry.counted - entry.tokens));
}
