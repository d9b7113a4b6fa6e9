// Server processes the benchmarks start (`chaintrail serve`, a bare Fastify): each prints a
// `{"url": …}` line on stdout once it listens, so a port of 0 (any free port) can be used.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const SERVER_START_TIMEOUT_MS = 60_000;

/** Starts a server process and waits for the `{"url": …}` line it prints on stdout. */
export async function startServerProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not start`)),
      SERVER_START_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return { url, child };
}

/** Stops a server process (SIGTERM) and waits until it has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
