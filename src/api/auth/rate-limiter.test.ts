import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  it('allows max requests per client and window, then says when to retry', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({ windowMs: 60_000, now: () => t });
    expect(limiter.hit('a', 2)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(limiter.hit('a', 2).allowed).toBe(true);
    t += 15_000;
    expect(limiter.hit('a', 2)).toEqual({ allowed: false, retryAfterSeconds: 45 });
    // Another client has its own count.
    expect(limiter.hit('b', 2).allowed).toBe(true);
    t += 45_000;
    expect(limiter.hit('a', 2).allowed).toBe(true);
    expect(limiter.size).toBe(1);
  });

  it('keeps windows aligned when requests pause for several windows', () => {
    let t = 0;
    const limiter = createRateLimiter({ windowMs: 1000, now: () => t });
    limiter.hit('a', 1);
    t = 3500;
    expect(limiter.hit('a', 1).allowed).toBe(true);
    t = 3900;
    expect(limiter.hit('a', 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    t = 4000;
    expect(limiter.hit('a', 1).allowed).toBe(true);
  });
});
