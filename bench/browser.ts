// The browser the UI benchmarks drive: Debian's Chromium, or a reason to skip when it is missing.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/e2e/harness.ts';
import type { BenchmarkContext, BenchmarkSkipped } from './types.ts';

/**
 * Launches Chromium for benchmark `id`, or says why it cannot (the benchmark then skips instead of
 * printing numbers it did not measure). Launched first: without it there is nothing to measure, and
 * no reason to build the benchmark's data.
 *
 * @example
 * const browser = await browserOrSkip(ctx, 'ui-case');
 * if ('skipped' in browser) return browser;
 */
export async function browserOrSkip(
  ctx: BenchmarkContext,
  id: string,
): Promise<Browser | BenchmarkSkipped> {
  try {
    return await launchChromium();
  } catch (error) {
    const message = (error as Error).message;
    if (!message.startsWith('Chromium not found')) throw error;
    ctx.log(`${id} skipped: ${message}`);
    return { skipped: message };
  }
}
