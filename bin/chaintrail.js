#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci` runs). When dist/ is missing or
// older than src/ (a developer editing the sources), runs the TypeScript sources through tsx instead.
// The built bundle matters for memory: tsx's loader thread and per-module transforms cost ~70 MB RSS.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'chaintrail.mjs');

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const srcDir = path.join(root, 'src');
const useBuilt =
  fs.existsSync(built) &&
  (!fs.existsSync(srcDir) || fs.statSync(built).mtimeMs >= newestMtimeMs(srcDir));
let main;
if (useBuilt) {
  ({ main } = await import(built));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
