import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { LimitedError } from '../../errors/base.ts';
import { inTagpackQueue, TAGPACK_JOBS_PER_ORG } from './tagpack-upload.ts';

describe('the TagPack upload queue', () => {
  const ctx = useTempStore();

  it('holds one upload per organisation, so another organisation waits for at most one of each other', async () => {
    expect(TAGPACK_JOBS_PER_ORG).toBe(1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const first = inTagpackQueue(ctx.store, 'acme', async () => {
      await gate;
      order.push('acme 1');
    });
    // acme's second, sent before its first was answered: refused, not queued.
    let refused: unknown = null;
    try {
      await inTagpackQueue(ctx.store, 'acme', async () => void order.push('acme 2'));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(LimitedError);
    expect(refused).toMatchObject({ code: 'TAGPACK_QUEUE_FULL' });
    expect((refused as LimitedError).retryAfterMs).toBeGreaterThan(0);
    // globex is queued behind acme's one upload.
    const other = inTagpackQueue(ctx.store, 'globex', async () => void order.push('globex'));
    release();
    await Promise.all([first, other]);
    // Once answered, acme may send the next; a failed job frees its place too.
    await expect(
      inTagpackQueue(ctx.store, 'acme', () => Promise.reject(new Error('bad pack'))),
    ).rejects.toThrow('bad pack');
    await inTagpackQueue(ctx.store, 'acme', async () => void order.push('acme 3'));
    expect(order).toEqual(['acme 1', 'globex', 'acme 3']);
  });
});
