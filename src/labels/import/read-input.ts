import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import bz2 from 'unbzip2-stream';
import { UserError } from '../../errors/base.ts';

/** Read buffer: large enough for throughput, small enough that memory stays flat on big lists. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Checks that `path` is an existing file (or folder, with `folder`) and returns its size in bytes.
 *
 * @example
 * const size = assertInput('sdn_advanced.xml.bz2');
 */
export function assertInput(path: string, kind: 'file' | 'folder' = 'file'): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    throw new UserError(`No such ${kind}: ${path}`, { code: 'FILE_NOT_FOUND' });
  }
  if (kind === 'file' && !stat.isFile())
    throw new UserError(`${path} is not a file`, { code: 'FILE_NOT_FOUND' });
  if (kind === 'folder' && !stat.isDirectory())
    throw new UserError(`${path} is not a folder`, { code: 'FILE_NOT_FOUND' });
  return stat.size;
}

/** Input of {@link readText}. */
export type ReadTextParameters = {
  path: string;
  /** Bytes of the file (compressed bytes for `.bz2`) read so far, and the file's size. */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Read buffer size (default 1 MiB). */
  chunkBytes?: number | undefined;
};

/**
 * Streams a text file as UTF-8 strings, unpacking `.bz2` on the fly; memory stays bounded by the read
 * buffer whatever the file size. A corrupt or truncated bzip2 file fails with a UserError naming it.
 * Leaving the loop early (`break`) closes the file.
 *
 * @example
 * for await (const text of readText({ path: 'sdn_advanced.xml.bz2' })) parser.write(text);
 */
export async function* readText(parameters: ReadTextParameters): AsyncGenerator<string> {
  const { path, onProgress } = parameters;
  const totalBytes = assertInput(path);
  const chunkBytes = parameters.chunkBytes ?? READ_CHUNK_BYTES;
  const file = fs.createReadStream(path, { highWaterMark: chunkBytes });
  let source: AsyncIterable<Buffer> = file;
  let out: PassThrough | null = null;
  let unpacked = 0;
  if (path.toLowerCase().endsWith('.bz2')) {
    // unbzip2-stream is an old-style `through` stream: pipe it into a real Readable to iterate it.
    const unpackedStream = new PassThrough({ highWaterMark: chunkBytes });
    const fail = (error: unknown) =>
      unpackedStream.destroy(
        new UserError(
          `${path}: corrupt or truncated bzip2 data after ${unpacked} unpacked bytes (${error instanceof Error ? error.message : String(error)})`,
          { code: 'BAD_BZIP2', cause: error },
        ),
      );
    const unzip = bz2();
    file.on('error', (error) => unpackedStream.destroy(error));
    unzip.on('error', fail);
    file.pipe(unzip).pipe(unpackedStream);
    source = out = unpackedStream;
  }
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of source) {
      unpacked += chunk.length;
      onProgress?.(file.bytesRead, totalBytes);
      const text = decoder.write(chunk);
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  } finally {
    file.destroy();
    out?.destroy();
  }
}
