import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';

// Runs the real binary (built by `npm run build`, which `npm test` runs first) with a loader hook that
// records the packages it imports: help, usage errors and light commands must not pay for the heavy
// ones (about 1.2 s of CPU together at every start before each command's implementation became a
// chunk loaded by its action).
const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
const RECORDER = path.resolve(import.meta.dirname, '../helpers/record-imports.mjs');
/** Packages that cost 0.1-0.4 s of CPU each to import (measured with `node -e "await import(…)"`). */
const HEAVY = ['viem', '@duckdb/node-api', 'bitcoinjs-lib', 'fastify', 'yaml', 'typebox', 'solc'];

const dir = makeTempDir();
afterAll(() => dir.cleanup());
let runs = 0;

/** Runs the CLI; returns its exit code and the packages it imported. */
function importsOf(args: readonly string[]): Promise<{ code: number; packages: string[] }> {
  const log = path.join(dir.path, `imports-${runs++}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, BIN, ...args], {
      env: { ...process.env, CHAINTRAIL_IMPORT_LOG: log, CHAINTRAIL_NO_REFERENCE: '1' },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      resolve({ code: code ?? -1, packages: [...new Set(text.split('\n').filter(Boolean))] });
    });
  });
}

const heavyIn = (packages: readonly string[]) =>
  packages.filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)));

describe('chaintrail startup', () => {
  it('loads no heavy package for help, a subcommand help or a usage error', async () => {
    for (const [args, code] of [
      [['--help'], 0],
      [['sync', '--help'], 0],
      [['screen', '--help'], 0],
      [['simulate', '--help'], 0],
      [['labels', 'import', '--help'], 0],
      [['no-such-command'], 2],
      [['trace', '--max-hops', 'x', '0x00'], 2],
    ] as const) {
      const run = await importsOf(args);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.packages, args.join(' ')).toContain('commander');
      expect(heavyIn(run.packages), args.join(' ')).toEqual([]);
    }
  });

  it('loads the database only for a command that opens it', async () => {
    const run = await importsOf(['keys', 'list', '--db', path.join(dir.path, 'keys.duckdb')]);
    expect(run.code).toBe(0);
    expect(run.packages).toContain('@duckdb/node-api');
    expect(heavyIn(run.packages)).not.toContain('fastify');
  });
});
