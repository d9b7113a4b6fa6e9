// Resolve hook of record-imports.mjs: appends each bare specifier (a package, not a file or a
// node: builtin) to the file named by CHAINTRAIL_IMPORT_LOG.
import fs from 'node:fs';

const RELATIVE_OR_BUILTIN = /^(\.|\/|node:|file:|data:)/;

export async function resolve(specifier, context, nextResolve) {
  const log = process.env.CHAINTRAIL_IMPORT_LOG;
  if (log && !RELATIVE_OR_BUILTIN.test(specifier)) fs.appendFileSync(log, `${specifier}\n`);
  return nextResolve(specifier, context);
}
