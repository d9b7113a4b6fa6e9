import { type Command, InvalidArgumentError } from 'commander';
import { buildApp } from '../../api/app.ts';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../../api/server.ts';
import { listApiKeys } from '../../api/auth/api-keys.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

type ServeOptions = GlobalOptions & {
  port: number;
  host: string;
  cors?: string[];
  asOf?: string;
};

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

/**
 * `chaintrail serve`: the REST API (OpenAPI at /docs) on 127.0.0.1 unless `--host` says otherwise,
 * until SIGINT/SIGTERM, then a graceful shutdown. Create keys first with `chaintrail keys create`.
 *
 * @example
 * chaintrail serve --port 8787
 */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('serve')
      .description(
        'serve the REST API (screening, traces, cases, watchlists, alerts; docs at /docs)',
      )
      .option('--port <port>', 'TCP port', parsePort, DEFAULT_PORT)
      .option('--host <host>', 'interface to bind (0.0.0.0 for all)', DEFAULT_HOST)
      .option(
        '--cors <origin...>',
        'origins allowed to call the API from a browser (default: none, CORS off)',
      )
      .option('--as-of <day>', 'day whose labels screening counts (default: today)'),
  ).action(async (options: ServeOptions) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await withStore(ctx, options, async (store) => {
        const app = await buildApp({
          store,
          logger: ctx.logger,
          corsOrigins: options.cors,
          asOf: options.asOf,
        });
        const server = await startServer({
          app,
          host: options.host,
          port: options.port,
          signal: controller.signal,
        });
        const keys = (await listApiKeys(store)).filter((k) => !k.revokedAt).length;
        ctx.stderr.write(
          `chaintrail API listening on ${server.url} (docs: ${server.url}/docs; ${keys} active API key${keys === 1 ? '' : 's'}${keys === 0 ? ': create one with `chaintrail keys create --role admin` first' : ''})\n`,
        );
        if (options.json) ctx.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
        await server.closed;
        ctx.stderr.write('chaintrail API stopped\n');
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}
