import { randomBytes } from 'node:crypto';
import type { AppStore } from './app-store.ts';

/**
 * How long the winner of a version's claim has to write that version before other processes take
 * the claim as abandoned (its process died between the claim and the write, a few milliseconds
 * apart): long enough for a store that is slow to answer, short enough that a user retrying after a
 * crash is not refused for long.
 */
export const CLAIM_WRITE_TIMEOUT_MS = 60_000;
/** Abandoned claims of one version followed in a row before giving up (each took a crash). */
const MAX_ABANDONED_CLAIMS = 5;

/** A claim token: when it was made (ms since 1970, so others can tell its age) and 48 random bits. */
export function claimToken(nowMs: number = Date.now()): string {
  return `${nowMs}_${randomBytes(6).toString('hex')}`;
}

/** When a token of {@link claimToken} was made (NaN for another form). */
export function claimedAtMs(token: string): number {
  return Number(token.split('_')[0]);
}

/**
 * Claims the change of `subject` (e.g. `case:<id>`) from version `from` to the next, across every
 * process sharing the store: true for exactly one caller, who must then write version `from + 1`.
 * `stillAt` re-reads the subject and says whether it is still at `from`:
 * - a winner checks it, since claims are pruned after a day and a writer that read long ago must
 *   not take a forgotten claim;
 * - a loser checks it when the claim is older than {@link CLAIM_WRITE_TIMEOUT_MS}: the version was
 *   never written, so its winner died; the next claim is then one named after the abandoned one,
 *   decided the same way (a winner paused longer than the timeout between its claim and its write
 *   could still write: the one case this does not cover).
 *
 * @example
 * if (!(await claimNextVersion(store, `case:${id}`, current.version, async () => (await load(id))?.version === current.version)))
 *   throw new ConflictError(…);
 */
export async function claimNextVersion(
  store: Pick<AppStore, 'claim'>,
  subject: string,
  from: number,
  stillAt: () => Promise<boolean>,
  nowMs: () => number = Date.now,
): Promise<boolean> {
  let name = `${subject}:v${from + 1}`;
  for (let i = 0; i <= MAX_ABANDONED_CLAIMS; i++) {
    const claim = await store.claim(name, claimToken(nowMs()));
    if (claim.won) return stillAt();
    if (!(nowMs() - claimedAtMs(claim.holder) > CLAIM_WRITE_TIMEOUT_MS)) return false;
    if (!(await stillAt())) return false;
    name = `${subject}:v${from + 1}:after:${claim.holder}`;
  }
  return false;
}
