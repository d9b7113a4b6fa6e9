// Runs the built CLI in this process, then prints its peak RSS on stderr for memory tests.
import path from 'node:path';

const { main } = await import(path.resolve(import.meta.dirname, '../../dist/chaintrail.mjs'));
const code = await main(['node', 'chaintrail', ...process.argv.slice(2)]);
process.stderr.write(`\nmaxRssBytes=${process.resourceUsage().maxRSS * 1024}\n`);
process.exitCode = code;
