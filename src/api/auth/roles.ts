/**
 * Roles of API keys. Least privilege: a deposit-screening system gets `screener` and can do nothing
 * else; people get `viewer` or `investigator`.
 * - `viewer`: reads addresses, transactions, labels, traces, cases, watchlists and alerts;
 * - `screener`: screens addresses, nothing more;
 * - `investigator`: all a viewer and a screener may, and runs traces, writes cases, private labels
 *   and watchlists, and acknowledges alerts;
 * - `admin`: everything, and manages keys and reads the audit log.
 */
export const ROLES = ['viewer', 'screener', 'investigator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** Which roles may use a route that declares each role. */
const ALLOWED: Record<Role, readonly Role[]> = {
  viewer: ['viewer', 'investigator', 'admin'],
  screener: ['screener', 'investigator', 'admin'],
  investigator: ['investigator', 'admin'],
  admin: ['admin'],
};

/**
 * True when a key of role `have` may use a route that declares `need`.
 *
 * @example
 * roleAllows('investigator', 'screener'); // true
 * roleAllows('screener', 'viewer'); // false: screening keys read nothing
 */
export function roleAllows(have: Role, need: Role): boolean {
  return ALLOWED[need].includes(have);
}

/**
 * A role that may not use a route declaring `need` (for tests and docs); null for none.
 *
 * @example
 * roleDenied('viewer'); // 'screener'
 */
export function roleDenied(need: Role): Role | null {
  return ROLES.find((r) => !roleAllows(r, need)) ?? null;
}

/**
 * True when `value` names a role.
 *
 * @example
 * isRole('admin'); // true
 */
export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}
