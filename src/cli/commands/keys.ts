import { type Command, InvalidArgumentError } from 'commander';
import {
  type ApiKeyRecord,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from '../../api/auth/api-keys.ts';
import { isRole, ROLES, type Role } from '../../api/auth/roles.ts';
import { UserError } from '../../errors/base.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { formatTable, printJson } from '../output.ts';

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

function parseLimit(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('expected a whole number of requests per minute, at least 1');
  return Number(value);
}

const info = ({ sha256: _hash, ...rest }: ApiKeyRecord) => rest;

/**
 * `chaintrail keys create|list|revoke`: API keys. A key is printed once, at creation; the database
 * keeps only its SHA-256. The API server reads keys at start (and admins can create them through
 * `POST /v1/keys` while it runs).
 *
 * @example
 * chaintrail keys create --role screener --org acme --name deposits
 */
export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('create, list and revoke API keys');
  withGlobalOptions(
    keys
      .command('create')
      .description('create an API key (printed once; only its hash is stored)')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
      .option('--org <org>', 'organisation the key belongs to', 'default')
      .option('--name <name>', 'what the key is for')
      .option('--rate-limit <n>', 'requests per minute (default 6000)', parseLimit),
  ).action(
    async (
      options: GlobalOptions & { role: Role; org: string; name?: string; rateLimit?: number },
    ) => {
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
    },
  );
  withGlobalOptions(keys.command('list').description('list API keys (never their secrets)')).action(
    async (options: GlobalOptions) => {
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
    },
  );
  withGlobalOptions(
    keys.command('revoke').description('revoke an API key').argument('<id>', 'key id'),
  ).action(async (id: string, options: GlobalOptions) => {
    const record = await withStore(ctx, options, (store) => revokeApiKey(store, id));
    if (!record) throw new UserError(`No API key "${id}"`, { code: 'NOT_FOUND' });
    if (options.json) printJson(info(record), ctx.stdout);
    else ctx.stderr.write(`revoked key ${id}\n`);
  });
}
