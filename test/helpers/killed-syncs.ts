import { spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');

/**
 * Runs `chaintrail <args>` (a sync) `rounds` times and kills each with SIGKILL after a
 * deterministic "random" number of committed batches (1 to `maxBatches`, from `seed`), counted from
 * the sync's own `sync batch committed` log line (the progress bar is throttled when stderr is not
 * a terminal, and a fast sync would finish between two of its updates). Returns how many were killed
 * while still running.
 *
 * @example
 * const kills = await killSyncsAtBatches({ args: ['sync', '--rpc', url, '--db', db, '--batch', '2'], rounds: 10 });
 */
export async function killSyncsAtBatches(parameters: {
  args: readonly string[];
  rounds: number;
  maxBatches?: number;
  seed?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<number> {
  let seed = parameters.seed ?? 7;
  const maxBatches = parameters.maxBatches ?? 8;
  // The C library's LCG, modulo 2^31. Math.imul keeps the product exact: as a float product
  // (up to 2^61) it lost its low bits, and with them `seed % maxBatches`, which then stuck at 0
  // (seed 7, 8 batches: thresholds 5, 1, 1, 1, … instead of 5, 6, 3, 4, 1, …).
  const nextThreshold = () => (
    (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff),
    1 + (seed % maxBatches)
  );
  let kills = 0;
  for (let round = 0; round < parameters.rounds; round++) {
    const threshold = nextThreshold();
    const child = spawn(process.execPath, [BIN, ...parameters.args], {
      env: {
        ...process.env,
        ...parameters.env,
        CHAINTRAIL_LOG_LEVEL: 'info',
        CHAINTRAIL_PROGRESS: '0',
      },
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    let committed = 0;
    let pending = '';
    const underWay = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        pending += String(d);
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.includes('sync batch committed')) committed++;
        if (committed >= threshold) resolve();
      }),
    );
    await Promise.race([closed, underWay]);
    if (child.kill('SIGKILL')) kills++;
    await closed;
  }
  return kills;
}
