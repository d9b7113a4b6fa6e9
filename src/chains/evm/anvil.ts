import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BaseError, UserError } from '../../errors/base.ts';

/** How long anvil may take to answer its first request. */
const ANVIL_START_TIMEOUT_MS = 20_000;
/** Pause between readiness probes while anvil starts. */
const ANVIL_PROBE_INTERVAL_MS = 50;

export type AnvilParameters = {
  /** Port on 127.0.0.1 (default: a free one, chosen by anvil). */
  port?: number;
  /** Seconds between automatically mined blocks (default: mine on each transaction). */
  blockTime?: number;
  /** Extra command-line arguments. */
  args?: readonly string[];
};

export type Anvil = {
  /** JSON-RPC URL, e.g. `http://127.0.0.1:8545`. */
  url: string;
  port: number;
  /** Stops the node and waits for it to exit. */
  stop(): Promise<void>;
};

/**
 * Path of the anvil binary shipped by the `@foundry-rs/anvil-<platform>-<arch>` npm package.
 *
 * @example
 * spawn(anvilBinaryPath(), ['--version']);
 */
export function anvilBinaryPath(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    const require = createRequire(import.meta.url);
    return path.join(
      path.dirname(require.resolve(`${pkg}/package.json`)),
      'bin',
      process.platform === 'win32' ? 'anvil.exe' : 'anvil',
    );
  } catch (error) {
    throw new UserError(`anvil is not installed for ${process.platform}/${process.arch}`, {
      code: 'ANVIL_MISSING',
      details: `Install the npm package @foundry-rs/anvil (it brings ${pkg}).`,
      cause: error,
    });
  }
}

async function waitForRpc(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + ANVIL_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new BaseError('anvil exited before it was ready', {
        code: 'ANVIL_FAILED',
        details: output().slice(-2000),
      });
    }
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new BaseError(`anvil did not answer within ${ANVIL_START_TIMEOUT_MS} ms`, {
        code: 'ANVIL_FAILED',
        details: output().slice(-2000),
      });
    }
    await new Promise((r) => setTimeout(r, ANVIL_PROBE_INTERVAL_MS));
  }
}

/**
 * Starts a local anvil node on 127.0.0.1 and resolves once it answers JSON-RPC.
 *
 * @example
 * const anvil = await startAnvil();
 * try { await syncEvm({ store, rpcUrl: anvil.url }); } finally { await anvil.stop(); }
 */
export async function startAnvil(parameters: AnvilParameters = {}): Promise<Anvil> {
  // Port 0 lets anvil bind a free port itself and print it: picking one here first would race with
  // other processes (another test's node could take it, and we would talk to that node instead).
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(parameters.port ?? 0),
    ...(parameters.blockTime ? ['--block-time', String(parameters.blockTime)] : []),
    ...(parameters.args ?? []),
  ];
  const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let announce: (port: number) => void = () => undefined;
  const announced = new Promise<number>((resolve) => (announce = resolve));
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
    const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(output);
    if (m) announce(Number(m[1]));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ANVIL_START_TIMEOUT_MS);
  const port = await Promise.race([announced, exited.then(() => -1)]);
  clearTimeout(timer);
  if (port < 0) {
    throw new BaseError('anvil exited before it was ready', {
      code: 'ANVIL_FAILED',
      details: output.slice(-2000),
    });
  }
  const url = `http://127.0.0.1:${port}`;
  await waitForRpc(url, child, () => output);
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
