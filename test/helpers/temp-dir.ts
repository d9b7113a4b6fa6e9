import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh temporary directory, removed by the returned `cleanup`.
 *
 * @example
 * const dir = makeTempDir(); try { ... } finally { dir.cleanup(); }
 */
export function makeTempDir(prefix = 'chaintrail-test-'): { path: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
