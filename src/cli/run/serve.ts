import path from 'node:path';
import { createFollowStatus } from '../../api/alerts/follow-status.ts';
import { createFollower, type Follower } from '../../api/alerts/follower.ts';
import { listApiKeys } from '../../api/auth/api-keys.ts';
import { startServer } from '../../api/server.ts';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import { UserError } from '../../errors/base.ts';
import type { ServeOptions } from '../commands/serve.ts';
import type { CliContext } from '../context.ts';
import { packageRoot } from '../paths.ts';
import { withStore } from '../with-store.ts';

/**
 * Runs `chaintrail serve` (its options and help: src/cli/commands/serve.ts).
 *
 * @example
 * await runServe(ctx, { port: 8787, host: '127.0.0.1', confirmations: 0, pollMs: 2000, internal: true });
 */
export async function runServe(ctx: CliContext, options: ServeOptions): Promise<void> {
  if (options.follow && !options.rpc)
    throw new UserError('--follow needs --rpc <url>: the JSON-RPC node to follow', {
      code: 'BAD_USAGE',
    });
  if (options.rpc && !options.follow)
    throw new UserError('--rpc is used with --follow only', { code: 'BAD_USAGE' });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await withStore(ctx, options, async (store) => {
      // Loaded here, not at start: Fastify, its plugins and the OpenAPI UI would otherwise add
      // tens of MB to every command, memory-bounded imports included.
      const { buildApp } = await import('../../api/app.ts');
      // What the API tells clients of following (the alerts page says when nothing is followed).
      const follow = createFollowStatus();
      const app = await buildApp({
        follow,
        store,
        logger: ctx.logger,
        corsOrigins: options.cors,
        asOf: options.asOf,
        allowPrivateWebhooks: options.allowPrivateWebhooks,
        uiDir: path.join(packageRoot(), 'dist', 'web'),
        screenWorkPerMinute: options.screenWorkPerMinute,
        traceJobsPerKey: options.traceJobsPerKey,
        traceJobsPerOrg: options.traceJobsPerOrg,
      });
      // No signal: on shutdown the follower stops first, so no batch is left unevaluated.
      const server = await startServer({ app, host: options.host, port: options.port });
      const keys = (await listApiKeys(store)).filter((k) => !k.revokedAt).length;
      ctx.stderr.write(
        `chaintrail API listening on ${server.url} (web UI: ${server.url}/ui/; docs: ${server.url}/docs; ${keys} active API key${keys === 1 ? '' : 's'}${keys === 0 ? ': create one with `chaintrail keys create --role admin` first' : ''})\n`,
      );
      let follower: Follower | null = null;
      let failure: unknown = null;
      if (options.follow && options.rpc) {
        const followed = follow.start(options.chain ?? null);
        follower = createFollower({
          store,
          alerts: app.chaintrail.alerts,
          logger: ctx.logger,
          rpcUrl: options.rpc,
          chain: options.chain,
          from: options.from,
          confirmations: options.confirmations,
          pollIntervalMs: Math.max(1, options.pollMs),
          internal: options.internal,
          apiKey: ctx.env.TRON_PRO_API_KEY || undefined,
          onBatch: (b) => {
            followed.batch(b.chain, b.toBlock);
            ctx.logger.info(
              {
                chain: b.chain,
                fromBlock: String(b.fromBlock),
                toBlock: String(b.toBlock),
                target: String(b.target),
                transfers: b.transfers,
                alerts: b.alerts,
              },
              'follow batch committed and evaluated',
            );
          },
        });
        void follower.done.finally(followed.stop).catch(() => undefined);
        // A monitor that died must not look alive: stop the API with it.
        follower.done.then(stop, (error: unknown) => {
          failure = error;
          stop();
        });
        ctx.stderr.write(`chaintrail following ${redactUrl(options.rpc)} for alerts\n`);
      }
      if (options.json) ctx.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
      if (!controller.signal.aborted)
        await new Promise((resolve) =>
          controller.signal.addEventListener('abort', resolve, { once: true }),
        );
      await follower?.stop();
      await server.close();
      ctx.stderr.write('chaintrail API stopped\n');
      if (failure) throw failure;
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
