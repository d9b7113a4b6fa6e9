import { spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
const RUSAGE = path.resolve(import.meta.dirname, 'cli-with-rusage.mjs');

export type CliRun = { code: number; stdout: string; stderr: string; maxRssBytes?: number };

/**
 * Runs the real `chaintrail` binary in a child process (as a user would).
 * With `measureRss`, runs the built bundle (`npm run build`) through a wrapper that reports the
 * child's peak RSS.
 *
 * @example
 * const { code, stdout } = await runCli(['stats', '--json', '--db', db]);
 */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; measureRss?: boolean; cwd?: string } = {},
): Promise<CliRun> {
  const argv = options.measureRss ? [RUSAGE, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /\nmaxRssBytes=(\d+)\n?$/.exec(stderr);
      resolve({
        code: code ?? -1,
        stdout,
        stderr: m ? stderr.slice(0, m.index) : stderr,
        ...(m ? { maxRssBytes: Number(m[1]) } : {}),
      });
    });
  });
}
