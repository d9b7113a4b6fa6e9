import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';
import {
  BaseError,
  ConflictError,
  LimitedError,
  NotFoundError,
  RefusedError,
  RetryableError,
  TooLargeError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  UserError,
} from '../errors/base.ts';
import { ERROR_CODES } from '../errors/codes.ts';
import { EXIT_FAILURE, EXIT_TEMPORARY, EXIT_USAGE, exitCodeOf } from '../cli/exit-codes.ts';
import { httpStatusOf } from './errors.ts';

const PACK = fs.readFileSync(
  path.resolve('test/fixtures/tagpacks/packs/ronin_bridge.yaml'),
  'utf8',
);

describe('errors: one code list, one mapping to HTTP and one to exit codes', () => {
  it('gives each kind of domain error its status and exit code', () => {
    const p = { code: 'NOT_FOUND' } as const;
    const cases: [BaseError | Error, number | null, number][] = [
      [new UserError('bad', { code: 'BAD_DATE' }), 400, EXIT_USAGE],
      [new NotFoundError('none', p), 404, EXIT_USAGE],
      [new ConflictError('stale', { code: 'CASE_CONFLICT' }), 409, EXIT_USAGE],
      [new RefusedError('no', { code: 'FORBIDDEN' }), 403, EXIT_USAGE],
      [new UnauthenticatedError('who', { code: 'MISSING_API_KEY' }), 401, EXIT_USAGE],
      [new TooLargeError('big', { code: 'BODY_TOO_LARGE' }), 413, EXIT_USAGE],
      [new UnsupportedMediaTypeError('type', { code: 'UNSUPPORTED_MEDIA_TYPE' }), 415, EXIT_USAGE],
      [new LimitedError('slow down', { code: 'RATE_LIMITED' }), 429, EXIT_TEMPORARY],
      [new RetryableError('busy', { code: 'STORE_BUSY' }), 503, EXIT_TEMPORARY],
      [new BaseError('broken', { code: 'STORE_BAD_WRITE' }), null, EXIT_FAILURE],
      [new Error('bug'), null, EXIT_FAILURE],
    ];
    expect(cases.map(([e]) => [e.name, httpStatusOf(e), exitCodeOf(e)])).toEqual(
      cases.map(([e, status, exit]) => [e.name, status, exit]),
    );
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  describe('a busy store is retryable, not a 500', () => {
    const api = useApi();

    it('answers 503 STORE_BUSY with Retry-After while another write holds the store (an admin publishing a TagPack during a sync batch), and takes the same upload after it', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const write = api.store.write(() => held);
      try {
        const busy = await api.app.inject({
          method: 'POST',
          url: '/v1/labels/tagpacks?visibility=public',
          payload: PACK,
          headers: { ...api.as('admin'), 'content-type': 'text/yaml' },
        });
        expect(busy.statusCode).toBe(503);
        expect(busy.json().error.code).toBe('STORE_BUSY');
        expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        const health = await api.app.inject({ url: '/healthz' });
        expect(health.statusCode).toBe(200);
      } finally {
        release();
        await write;
      }
      const after = await api.app.inject({
        method: 'POST',
        url: '/v1/labels/tagpacks?visibility=public',
        payload: PACK,
        headers: { ...api.as('admin'), 'content-type': 'text/yaml' },
      });
      expect(after.statusCode).toBe(201);
    });
  });
});
