import { describe, expect, it } from 'vitest';
import { createPrintGate, MAX_WAITING_PRINTS } from './print-gate.ts';

/** A printer whose prints end when the test says, recording how many ran at once. */
function heldPrinter() {
  const releases: (() => void)[] = [];
  let running = 0;
  let most = 0;
  const printer = async (html: string) => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    return Buffer.from(html);
  };
  return {
    printer,
    get most() {
      return most;
    },
    releaseNext: () => releases.shift()?.(),
    started: () => releases.length,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createPrintGate', () => {
  it('prints one at a time, refuses a second print of one organisation, and other organisations wait their turn', async () => {
    const held = heldPrinter();
    const gate = createPrintGate({ printer: held.printer });
    const a = gate.print('acme', 'a', 'a4');
    await expect(gate.print('acme', 'a2', 'a4')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const b = gate.print('globex', 'b', 'a4');
    await tick();
    expect(held.started()).toBe(1);
    held.releaseNext();
    expect(String(await a)).toBe('a');
    await tick();
    held.releaseNext();
    expect(String(await b)).toBe('b');
    expect(held.most).toBe(1);
    // Done, acme may print again.
    const again = gate.print('acme', 'a3', 'a4');
    await tick();
    held.releaseNext();
    expect(String(await again)).toBe('a3');
  });

  it(`keeps at most ${MAX_WAITING_PRINTS} waiting behind the running one, whatever the organisations`, async () => {
    const held = heldPrinter();
    const gate = createPrintGate({ printer: held.printer });
    const accepted = Array.from({ length: MAX_WAITING_PRINTS + 1 }, (_, i) =>
      gate.print(`org-${i}`, String(i), 'a4'),
    );
    await expect(gate.print('one-too-many', 'x', 'a4')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: expect.any(Number),
    });
    for (let i = 0; i < accepted.length; i++) {
      await tick();
      held.releaseNext();
      expect(String(await accepted[i])).toBe(String(i));
    }
  });
});
