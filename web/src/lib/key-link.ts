import type { Me } from '../api/types.ts';

/**
 * The API key in a page fragment (`#key=ct_…`, as `chaintrail demo` prints it), or null. Fragments
 * never reach the server or its logs, but they stay in the address bar, history and screenshots
 * until the page removes them.
 */
export function keyFromHash(hash: string): string | null {
  const match = /(?:^#|&)key=([^&]*)/.exec(hash);
  if (!match) return null;
  let key: string;
  try {
    key = decodeURIComponent(match[1]!).trim();
  } catch {
    // A malformed escape: still a key the user meant to give, checked (and refused) by the server.
    key = match[1]!.trim();
  }
  return key || null;
}

/** The fragment without its `key=` part (`#` alone is dropped too): what the address bar keeps. */
export function hashWithoutKey(hash: string): string {
  const rest = hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('key='));
  return rest.length ? `#${rest.join('&')}` : '';
}

/**
 * "acme / deposits (screener)": the organisation, the key's name or else its id (the public part
 * of `ct_<id>_<secret>`, never the secret) and its role, as the header and the switch prompt say it.
 */
export function describeKey(me: Me): string {
  return `${me.org} / ${me.name ?? `key ${me.id}`} (${me.role})`;
}

/** What to do first with the key this browser holds and the key a link brings. */
export type KeyLinkPlan =
  /** No key at all: the sign-in form. */
  | { kind: 'sign-in-form' }
  /** No link, or a link with the key already held: the held key, no question. */
  | { kind: 'current'; key: string }
  /** A link and no key held: sign in with the link's key, as before, and say who that is. */
  | { kind: 'link'; key: string }
  /** A link with another key than the one held: look both up, then ask before switching. */
  | { kind: 'look-up-both'; current: string; link: string };

/**
 * Decides from the held key and the link's key whether the page may sign in at once or must ask.
 * A link never replaces a held key without the user's answer: a link can come from anyone, and
 * signed in by it a person would work (write cases, labels) in another organisation's session.
 */
export function planKeyLink(current: string | null, link: string | null): KeyLinkPlan {
  if (link && current && link !== current) return { kind: 'look-up-both', current, link };
  if (current) return { kind: 'current', key: current };
  if (link) return { kind: 'link', key: link };
  return { kind: 'sign-in-form' };
}

/** A key looked up with `GET /v1/me`: who it is, or why not (`rejected`: the server said 401). */
export type KeyLookup = { me: Me } | { rejected: boolean; message: string };

/** What the page does once both keys are looked up. */
export type KeyLinkOutcome =
  /** Both work and differ: the held key stays in use until the user answers the question. */
  | { kind: 'ask'; current: Me; link: Me; question: string }
  /** Keep the held key; `notice` says why the link was not used (null: it was the same key). */
  | { kind: 'keep-current'; notice: string | null }
  /** The held key no longer works (revoked): sign in with the link's key, saying who it is. */
  | { kind: 'use-link'; forgetCurrent: true; notice: string }
  /** Neither key can be used; `forgetCurrent` when the server refused the held one. */
  | { kind: 'fail'; forgetCurrent: boolean; message: string };

/** The text of the switch prompt. */
export function switchQuestion(current: Me, link: Me): string {
  return `This link signs you in as ${describeKey(link)}; you are signed in as ${describeKey(current)}. Switch?`;
}

/** What the notice says after a link signed the page in. */
export function signedInByLinkNotice(me: Me): string {
  return `This link signed you in as ${describeKey(me)}.`;
}

/** Settles a link against the held key once `GET /v1/me` has answered for both. */
export function settleKeyLink(current: KeyLookup, link: KeyLookup): KeyLinkOutcome {
  if ('me' in current) {
    if (!('me' in link))
      return {
        kind: 'keep-current',
        notice: `${link.rejected ? "The link's key was not accepted" : "The link's key could not be checked"} (${link.message}); you are still signed in as ${describeKey(current.me)}.`,
      };
    if (link.me.id === current.me.id) return { kind: 'keep-current', notice: null };
    return {
      kind: 'ask',
      current: current.me,
      link: link.me,
      question: switchQuestion(current.me, link.me),
    };
  }
  // The held key could not be checked for a passing reason (server busy, rate limit): switching
  // now would be the silent switch this guards against, so neither is used until the next load.
  if (!current.rejected)
    return {
      kind: 'fail',
      forgetCurrent: false,
      message: `Your key could not be checked (${current.message}); the link's key was not used.`,
    };
  if ('me' in link)
    return { kind: 'use-link', forgetCurrent: true, notice: signedInByLinkNotice(link.me) };
  return {
    kind: 'fail',
    forgetCurrent: true,
    message: `Neither your key nor the link's was accepted (${link.message}).`,
  };
}
