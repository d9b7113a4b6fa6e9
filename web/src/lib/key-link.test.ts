import { describe, expect, it } from 'vitest';
import type { Me } from '../api/types.ts';
import {
  describeKey,
  hashWithoutKey,
  keyFromHash,
  planKeyLink,
  settleKeyLink,
} from './key-link.ts';

// Keys in the form `chaintrail keys create` makes them (`ct_<12 hex id>_<43 base64url>`).
const KEY_A = `ct_0123456789ab_${'a'.repeat(43)}`;
const KEY_B = `ct_ba9876543210_${'b'.repeat(43)}`;
const ME_A: Me = { id: '0123456789ab', name: 'desk', role: 'investigator', org: 'acme' };
const ME_B: Me = { id: 'ba9876543210', name: null, role: 'viewer', org: 'globex' };

describe('keyFromHash and hashWithoutKey', () => {
  it('take the key from the fragment and leave the rest of it', () => {
    expect(keyFromHash(`#key=${KEY_A}`)).toBe(KEY_A);
    expect(keyFromHash(`#view=graph&key=${encodeURIComponent(KEY_A)}`)).toBe(KEY_A);
    expect(keyFromHash('#view=graph')).toBeNull();
    expect(keyFromHash('#key=')).toBeNull();
    expect(keyFromHash('')).toBeNull();
    expect(hashWithoutKey(`#key=${KEY_A}`)).toBe('');
    expect(hashWithoutKey(`#view=graph&key=${KEY_A}&x=1`)).toBe('#view=graph&x=1');
    expect(hashWithoutKey('#key=')).toBe('');
  });

  it('gives a malformed escape to the server as it is, to be refused there', () => {
    expect(keyFromHash('#key=%zz')).toBe('%zz');
  });
});

describe('describeKey', () => {
  it('names the organisation, the key (by name, else id) and the role, never the secret', () => {
    expect(describeKey(ME_A)).toBe('acme / desk (investigator)');
    expect(describeKey(ME_B)).toBe('globex / key ba9876543210 (viewer)');
    expect(describeKey(ME_B)).not.toContain('b'.repeat(43));
  });
});

describe('planKeyLink', () => {
  it('asks before a link replaces another key held', () => {
    expect(planKeyLink(KEY_A, KEY_B)).toEqual({
      kind: 'look-up-both',
      current: KEY_A,
      link: KEY_B,
    });
  });

  it('signs in at once without a held key, with the held one without a link or with its own', () => {
    expect(planKeyLink(null, KEY_B)).toEqual({ kind: 'link', key: KEY_B });
    expect(planKeyLink(KEY_A, null)).toEqual({ kind: 'current', key: KEY_A });
    expect(planKeyLink(KEY_A, KEY_A)).toEqual({ kind: 'current', key: KEY_A });
    expect(planKeyLink(null, null)).toEqual({ kind: 'sign-in-form' });
  });
});

describe('settleKeyLink', () => {
  it('asks, naming both organisations, keys and roles, when both keys work', () => {
    expect(settleKeyLink({ me: ME_A }, { me: ME_B })).toEqual({
      kind: 'ask',
      current: ME_A,
      link: ME_B,
      question:
        'This link signs you in as globex / key ba9876543210 (viewer); you are signed in as acme / desk (investigator). Switch?',
    });
  });

  it('keeps the held key when the link is refused or cannot be checked, and says so', () => {
    expect(
      settleKeyLink({ me: ME_A }, { rejected: true, message: 'Invalid or revoked API key' }),
    ).toEqual({
      kind: 'keep-current',
      notice:
        "The link's key was not accepted (Invalid or revoked API key); you are still signed in as acme / desk (investigator).",
    });
    const unchecked = settleKeyLink({ me: ME_A }, { rejected: false, message: 'HTTP 503' });
    expect(unchecked.kind).toBe('keep-current');
    expect(unchecked.kind === 'keep-current' && unchecked.notice).toContain('could not be checked');
  });

  it('uses the link when the held key was refused (revoked), saying who it signs in as', () => {
    expect(settleKeyLink({ rejected: true, message: 'revoked' }, { me: ME_B })).toEqual({
      kind: 'use-link',
      forgetCurrent: true,
      notice: 'This link signed you in as globex / key ba9876543210 (viewer).',
    });
  });

  it('switches to nothing when the held key could not be checked for a passing reason', () => {
    expect(settleKeyLink({ rejected: false, message: 'HTTP 429' }, { me: ME_B })).toMatchObject({
      kind: 'fail',
      forgetCurrent: false,
    });
    expect(
      settleKeyLink({ rejected: true, message: 'revoked' }, { rejected: true, message: 'invalid' }),
    ).toMatchObject({ kind: 'fail', forgetCurrent: true });
  });

  it('does not ask when the link holds the key already in use', () => {
    expect(settleKeyLink({ me: ME_A }, { me: ME_A })).toEqual({
      kind: 'keep-current',
      notice: null,
    });
  });
});
