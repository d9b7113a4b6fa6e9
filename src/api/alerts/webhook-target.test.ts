import { describe, expect, it } from 'vitest';
import { checkWebhookTarget, isPrivateAddress } from './webhook-target.ts';

describe('webhook targets', () => {
  it('tells private, loopback, link-local and mapped addresses from public ones', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      // IPv6 forms that carry 127.0.0.1 or a private network: compatible, mapped in hex, 6to4,
      // site-local.
      '::127.0.0.1',
      '::ffff:7f00:1',
      '2002:7f00:1::1',
      'fec0::1',
      'not-an-ip',
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of [
      '1.1.1.1',
      '8.8.8.8',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '::ffff:808:808',
    ])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('refuses a URL to a private host, by address or by a name resolving to one', async () => {
    const deny = { allowPrivate: false };
    await expect(checkWebhookTarget('http://127.0.0.1:9/x', deny)).rejects.toMatchObject({
      code: 'WEBHOOK_TARGET_NOT_ALLOWED',
    });
    await expect(checkWebhookTarget('http://[::1]:9/x', deny)).rejects.toMatchObject({
      code: 'WEBHOOK_TARGET_NOT_ALLOWED',
    });
    const resolve = async (host: string) =>
      host === 'metadata.internal' ? ['169.254.169.254'] : ['93.184.215.14'];
    await expect(
      checkWebhookTarget('https://metadata.internal/latest', { ...deny, resolve }),
    ).rejects.toThrow('Webhook host "metadata.internal" is or resolves to a private address');
    // What an internal name resolves to is not told.
    await expect(
      checkWebhookTarget('https://metadata.internal/latest', { ...deny, resolve }),
    ).rejects.not.toThrow(/169\.254/);
    await expect(
      checkWebhookTarget('https://hooks.partner.test/x', { ...deny, resolve }),
    ).resolves.toBeUndefined();
    const fails = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(
      checkWebhookTarget('https://nowhere.test/x', { ...deny, resolve: fails }),
    ).rejects.toMatchObject({ code: 'WEBHOOK_HOST_UNRESOLVED' });
    // The operator may allow it (a receiver on the same machine).
    await expect(
      checkWebhookTarget('http://127.0.0.1:9/x', { allowPrivate: true }),
    ).resolves.toBeUndefined();
  });
});
