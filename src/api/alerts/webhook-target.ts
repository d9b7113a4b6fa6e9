import { lookup as lookupCallback, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { UserError } from '../../errors/base.ts';

/**
 * Addresses a webhook may not reach unless the operator allows it: the machine itself, private and
 * shared networks, link-local (cloud metadata services at 169.254.169.254), multicast and
 * unspecified. A user of the API must not make the server post to its own internal network.
 */
function privateRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const)
    list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    // IPv4-compatible (`::a.b.c.d`, deprecated; :: and ::1 included): can carry 127.0.0.1.
    // IPv4-mapped addresses are checked as the IPv4 address inside (isPrivateAddress): BlockList
    // matches IPv4 addresses against a mapped rule too, so one here would refuse every address.
    ['::', 96],
    ['fc00::', 7],
    ['fe80::', 10],
    // Site-local (deprecated, still routed inside some networks).
    ['fec0::', 10],
    ['ff00::', 8],
    // NAT64 and 6to4: an IPv4 address inside, a private one as easily as any.
    ['64:ff9b::', 96],
    ['2002::', 16],
  ] as const)
    list.addSubnet(net, prefix, 'ipv6');
  return list;
}

const PRIVATE = privateRanges();

/**
 * True when `ip` (v4 or v6, IPv4-mapped included) lies in a private, loopback, link-local or other
 * non-public range.
 *
 * @example
 * isPrivateAddress('169.254.169.254'); // true
 * isPrivateAddress('1.1.1.1'); // false
 */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  // The same written in hex (`::ffff:7f00:1` is 127.0.0.1).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return PRIVATE.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  const family = isIP(ip);
  if (family === 0) return true;
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves host names; injectable for tests. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Refuses a webhook URL whose host is, or resolves to, a private address (see
 * {@link isPrivateAddress}), unless `allowPrivate`. Checked when a watchlist is saved and again
 * before every delivery, since what a name resolves to can change.
 *
 * @example
 * await checkWebhookTarget('https://hooks.example.org/x', { allowPrivate: false });
 */
export async function checkWebhookTarget(
  url: string,
  options: { allowPrivate: boolean; resolve?: ResolveHost | undefined },
): Promise<void> {
  if (options.allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.resolve ?? resolveWithDns)(host);
    } catch {
      throw new UserError(`Webhook host "${host}" does not resolve`, {
        code: 'WEBHOOK_HOST_UNRESOLVED',
      });
    }
  }
  // The address itself is not named: a user must not learn what internal names resolve to.
  if (addresses.some(isPrivateAddress))
    throw new UserError(`Webhook host "${host}" is or resolves to a private address`, {
      code: 'WEBHOOK_TARGET_NOT_ALLOWED',
      details:
        'Webhooks may not reach this machine or its private network; start `chaintrail serve --allow-private-webhooks` to allow it.',
    });
}

/**
 * A `lookup` for the connection itself (node:http's option): resolves as usual, then refuses when
 * any answer is private. {@link checkWebhookTarget} checks a name before a delivery, but the
 * connection resolves it again, and a name can answer a public address to the check and a private
 * one to the connection (DNS rebinding): this makes the connection go only to checked addresses.
 *
 * @example
 * http.request(url, { lookup: publicOnlyLookup });
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookupCallback(
    hostname,
    { ...options, all: true } as LookupAllOptions,
    (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
        const refused: NodeJS.ErrnoException = new Error(
          'webhook host resolves to a private address',
        );
        refused.code = 'EWEBHOOKPRIVATE';
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    },
  );
};
