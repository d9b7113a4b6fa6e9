// Preloaded with `node --import`: records every package the process imports (ESM), one bare
// specifier a line, in the file named by CHAINTRAIL_IMPORT_LOG. The hooks run on Node's loader
// thread, so they write to a file rather than to this process's memory.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
