import fs from 'node:fs';
import path from 'node:path';
import { readReferenceTokenList } from '../labels/reference-tokens.ts';
import type { TokenList } from '../model/token-list.ts';
import type { CliContext } from './context.ts';
import { packageRoot } from './paths.ts';

/**
 * The shipped token list (`data/reference/`, see its PROVENANCE.md), for imports and syncs to fall
 * back on; undefined (with a log line) when the package has none.
 *
 * @example
 * await importEtl({ store, paths, tokenList: shippedTokenList(ctx) });
 */
export function shippedTokenList(ctx: CliContext): TokenList | undefined {
  const dir = path.join(packageRoot(), 'data/reference');
  const list = fs.existsSync(path.join(dir, 'manifest.json')) ? readReferenceTokenList(dir) : null;
  if (!list)
    ctx.logger.warn({ dir }, 'no token list found; tokens without metadata show raw units');
  return list ?? undefined;
}
