import {
  type ApiKeyRecord,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from '../../api/auth/api-keys.ts';
import { UserError } from '../../errors/base.ts';
import type { KeysCreateOptions } from '../commands/keys.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

const info = ({ sha256: _hash, ...rest }: ApiKeyRecord) => rest;

/**
 * Runs `chaintrail keys create` (its options and help: src/cli/commands/keys.ts).
 *
 * @example
 * await runKeysCreate(ctx, { role: 'screener', org: 'acme' });
 */
export async function runKeysCreate(ctx: CliContext, options: KeysCreateOptions): Promise<void> {
  const { key, record } = await withStore(ctx, options, (store) =>
    createApiKey({
      store,
      role: options.role,
      org: options.org,
      name: options.name,
      rateLimitPerMinute: options.rateLimit,
    }),
  );
  if (options.json) printJson({ key, ...info(record) }, ctx.stdout);
  else {
    ctx.stdout.write(`${key}\n`);
    ctx.stderr.write(
      `created ${record.role} key ${record.id} for ${record.org}: store it now, it is not shown again\n`,
    );
  }
}

/**
 * Runs `chaintrail keys list`.
 *
 * @example
 * await runKeysList(ctx, { json: true });
 */
export async function runKeysList(ctx: CliContext, options: GlobalOptions): Promise<void> {
  const records = await withStore(ctx, options, (store) => listApiKeys(store));
  if (options.json) return printJson(records.map(info), ctx.stdout);
  ctx.stdout.write(
    formatTable(
      ['id', 'role', 'org', 'name', 'rate/min', 'created', 'revoked'],
      records.map((r) => [
        r.id,
        r.role,
        r.org,
        r.name ?? '',
        String(r.rateLimitPerMinute),
        r.createdAt,
        r.revokedAt ?? '',
      ]),
    ) + '\n',
  );
}

/**
 * Runs `chaintrail keys revoke <id>`.
 *
 * @example
 * await runKeysRevoke(ctx, 'k_…', {});
 */
export async function runKeysRevoke(
  ctx: CliContext,
  id: string,
  options: GlobalOptions,
): Promise<void> {
  const record = await withStore(ctx, options, (store) => revokeApiKey(store, id));
  if (!record) throw new UserError(`No API key "${id}"`, { code: 'NOT_FOUND' });
  if (options.json) printJson(info(record), ctx.stdout);
  else ctx.stderr.write(`revoked key ${id}\n`);
}
