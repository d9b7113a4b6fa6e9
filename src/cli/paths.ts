import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The chaintrail checkout or package root (the folder holding its package.json), found from this
 * module's location so it works from the sources and from the built bundle alike.
 *
 * @example
 * path.join(packageRoot(), 'test/fixtures');
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'chaintrail'
    )
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('chaintrail package root not found');
    dir = parent;
  }
}
