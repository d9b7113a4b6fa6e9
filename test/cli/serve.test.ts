import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// These tests run the real `chaintrail` binary, as a user would.
const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
// On OFAC's SDN list (Lazarus Group, DPRK3), in the shipped reference labels.
const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
/** How long `serve` may take to print its URL (it loads the reference labels into a new database). */
const START_TIMEOUT_MS = 60_000;

const dir = makeTempDir();
afterAll(() => dir.cleanup());

describe('chaintrail keys and serve', () => {
  it('creates a key, serves the API with it, and stops cleanly on SIGTERM', async () => {
    const db = path.join(dir.path, 'api.duckdb');
    const created = await runCli([
      'keys',
      'create',
      '--role',
      'screener',
      '--org',
      'acme',
      '--db',
      db,
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { key, id, role } = JSON.parse(created.stdout) as {
      key: string;
      id: string;
      role: string;
    };
    expect(role).toBe('screener');
    expect(key).toMatch(/^ct_[0-9a-f]{12}_/);
    const listed = await runCli(['keys', 'list', '--db', db, '--json']);
    // The list never shows a key or its hash.
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toContain('sha256');
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, org: 'acme' })]);

    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--json'], {
      env: { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`serve did not start: ${stderr}`)),
          START_TIMEOUT_MS,
        );
        child.once('close', () => reject(new Error(`serve exited: ${stderr}`)));
        createInterface({ input: child.stdout }).on('line', (line) => {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        });
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/v1/address/${LAZARUS}`, { headers: { 'X-API-Key': key } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { identifications: unknown[] }).identifications).toHaveLength(
        1,
      );
      expect((await fetch(`${url}/v1/address/${LAZARUS}`)).status).toBe(401);
      // The key never reaches the log.
      expect(stderr).not.toContain(key);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/chaintrail API stopped/);
    const revoked = await runCli(['keys', 'revoke', id, '--db', db, '--json']);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout).revokedAt).toMatch(/^\d{4}-/);
  });

  it('refuses bad usage with exit 2 and one line', async () => {
    const db = path.join(dir.path, 'bad.duckdb');
    const role = await runCli(['keys', 'create', '--role', 'root', '--db', db]);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/role/);
    const port = await runCli(['serve', '--port', '70000', '--db', db]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/port/);
    const revoke = await runCli(['keys', 'revoke', '000000000000', '--db', db]);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toMatch(/No API key/);
    for (const args of [
      ['serve', '--help'],
      ['keys', 'create', '--help'],
    ]) {
      const help = await runCli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: chaintrail/);
    }
  });
});
