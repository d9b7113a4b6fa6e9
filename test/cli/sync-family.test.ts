import { once } from 'node:events';
import { createServer } from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../../src/cli/exit-codes.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const dir = makeTempDir();
afterAll(() => dir.cleanup());

describe('chaintrail sync picks the source by chain family', () => {
  it('refuses a chain no source can sync, before asking the node, with one line and exit 2', async () => {
    // The node answers nothing: a refusal by family must not wait for it (it would be RPC_UNREACHABLE).
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const db = path.join(dir.path, 'family.duckdb');
    const run = await runCli(
      ['sync', '--rpc', `http://127.0.0.1:${port}`, '--chain', 'litecoin', '--db', db],
      { env: { CHAINTRAIL_NO_REFERENCE: '1' } },
    );
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(
      /^error \[CHAIN_NOT_SYNCABLE\]: Cannot sync litecoin: there is no sync source for the other family; chains of these families can be synced: evm, bitcoin, tron\n$/,
    );
  });
});
