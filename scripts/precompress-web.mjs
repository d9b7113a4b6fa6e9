// Writes Brotli (.br) and gzip (.gz) copies of the built UI's text assets beside them, so
// `chaintrail serve` sends them compressed (@fastify/static `preCompressed`) without compressing
// on every request. Run by `npm run build` after `vite build`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Files worth compressing: text. Images and fonts are compressed already. */
const TEXT = /\.(js|css|html|svg|json|map|txt)$/;
/** Smaller files gain less than a header's worth. */
const MIN_BYTES = 1024;

const dir = path.resolve(process.argv[2] ?? 'dist/web');
let raw = 0;
let br = 0;
let files = 0;
for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !TEXT.test(entry.name)) continue;
  const file = path.join(entry.parentPath ?? entry.path, entry.name);
  const body = fs.readFileSync(file);
  if (body.length < MIN_BYTES) continue;
  const brotli = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  fs.writeFileSync(`${file}.br`, brotli);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: zlib.constants.Z_BEST_COMPRESSION }));
  raw += body.length;
  br += brotli.length;
  files += 1;
}
if (process.env.CHAINTRAIL_BUILD_VERBOSE)
  console.log(`precompressed ${files} files: ${raw} bytes -> ${br} (brotli)`);
