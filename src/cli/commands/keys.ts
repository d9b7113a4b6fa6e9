import { type Command, InvalidArgumentError } from 'commander';
import { isRole, ROLES, type Role } from '../../api/auth/roles.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

export type KeysCreateOptions = GlobalOptions & {
  role: Role;
  org: string;
  name?: string;
  rateLimit?: number;
};

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

function parseLimit(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('expected a whole number of requests per minute, at least 1');
  return Number(value);
}

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
  ).action(async (options: KeysCreateOptions) => {
    const { runKeysCreate } = await import('../run/keys.ts');
    await runKeysCreate(ctx, options);
  });
  withGlobalOptions(keys.command('list').description('list API keys (never their secrets)')).action(
    async (options: GlobalOptions) => {
      const { runKeysList } = await import('../run/keys.ts');
      await runKeysList(ctx, options);
    },
  );
  withGlobalOptions(
    keys.command('revoke').description('revoke an API key').argument('<id>', 'key id'),
  ).action(async (id: string, options: GlobalOptions) => {
    const { runKeysRevoke } = await import('../run/keys.ts');
    await runKeysRevoke(ctx, id, options);
  });
}
