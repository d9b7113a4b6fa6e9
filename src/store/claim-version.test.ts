import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { CLAIM_WRITE_TIMEOUT_MS, claimNextVersion, claimToken } from './claim-version.ts';

describe('claimNextVersion', () => {
  const ctx = useTempStore();

  it('lets one of several concurrent changes from the same version win', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => claimNextVersion(ctx.store, 'case:c1', 3, async () => true)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    // The next version is a new claim.
    expect(await claimNextVersion(ctx.store, 'case:c1', 4, async () => true)).toBe(true);
  });

  it('refuses a won claim when the subject has moved on meanwhile (a claim forgotten by pruning)', async () => {
    expect(await claimNextVersion(ctx.store, 'case:c2', 1, async () => false)).toBe(false);
  });

  it('takes over a claim whose winner never wrote, once it is older than the timeout, and only then', async () => {
    const t0 = 1_765_000_000_000;
    // A winner that died before writing version 2.
    expect((await ctx.store.claim('case:c3:v2', claimToken(t0))).won).toBe(true);
    const at = (ms: number) => () => ms;
    // Within the timeout: the winner may still write.
    expect(await claimNextVersion(ctx.store, 'case:c3', 1, async () => true, at(t0 + 10_000))).toBe(
      false,
    );
    // Past it, but the subject was written meanwhile: not abandoned.
    expect(
      await claimNextVersion(
        ctx.store,
        'case:c3',
        1,
        async () => false,
        at(t0 + CLAIM_WRITE_TIMEOUT_MS + 1),
      ),
    ).toBe(false);
    // Past it, still at version 1: exactly one of two takes it over.
    const late = at(t0 + CLAIM_WRITE_TIMEOUT_MS + 1);
    const both = await Promise.all([
      claimNextVersion(ctx.store, 'case:c3', 1, async () => true, late),
      claimNextVersion(ctx.store, 'case:c3', 1, async () => true, late),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
  });
});
