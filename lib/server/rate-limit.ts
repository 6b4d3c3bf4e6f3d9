/**
 * Token buckets in this process's memory: `capacity` requests at once, refilled at `perMinute`.
 * Each process keeps its own, so N processes admit N times the rate — these limits protect one
 * process's database work from a flood, they are not a quota. Keys past `maxKeys` push out the
 * longest-idle ones, so a flood from many sources cannot grow the map without bound.
 */
export interface RateLimiter {
  /** True when the key may go ahead now (and takes one token). */
  take(key: string, now?: number): boolean;
}

export function createRateLimiter({ perMinute, capacity = perMinute, maxKeys = 10_000 }: { perMinute: number; capacity?: number; maxKeys?: number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now = Date.now()) {
      const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
      bucket.at = now;
      // Re-inserted last: the Map's first key is always the longest idle.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
