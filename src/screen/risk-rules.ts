import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { UserError } from '../errors/base.ts';
import { ILLICIT_CATEGORIES, parseCategory } from '../labels/taxonomy.ts';

/** Risk levels, lowest first. A result's level is the highest of the rules that fired. */
export const RISK_LEVELS = ['low', 'medium', 'high', 'severe'] as const;

export type RiskLevel = (typeof RISK_LEVELS)[number];

/**
 * Level of `activityElsewhere` when a rules file does not set it: not low, so that an address seen
 * only on another chain is never passed as clean, and not high, since nothing is known against it.
 */
export const DEFAULT_ACTIVITY_ELSEWHERE_LEVEL: RiskLevel = 'medium';

/** The word a rule's `category` may use for every category of {@link ILLICIT_CATEGORIES}. */
export const ILLICIT_KEYWORD = 'illicit';

/**
 * One risk rule. `direct` rules match the address's own labels; `indirect` rules match its
 * value-weighted exposure (see src/screen/indirect-exposure.ts) through counterparties.
 */
export type RiskRule = {
  id: string;
  description: string | null;
  level: RiskLevel;
  exposure: 'direct' | 'indirect';
  /** Categories matched (the `illicit` keyword expanded). */
  categories: ReadonlySet<string>;
  /** `category` as the file wrote it, for explanations. */
  categoryText: string;
  /**
   * What an indirect rule reads in the exposures: its one category, or the name of its group of
   * categories (see {@link categoryGroupName}), measured as one.
   */
  exposureKey: string;
  /** Indirect only: inflows, outflows, or either. */
  direction: 'in' | 'out' | 'any';
  /** Indirect only: least share (0-1) of the asset's received / sent value. */
  minShare: number | null;
  /** Indirect only: least exposed amount in whole units of `asset`. */
  minAmount: string | null;
  /** Indirect only: an asset symbol (`USDT`), key (contract, `native`); any asset when null. */
  asset: string | null;
  /** Indirect only: count only value that reached the address within this many hops. */
  maxHops: number | null;
  /** Direct only: the label's actor (e.g. `lazarus-group`) must be this. */
  actor: string | null;
  /** Direct only: the label's country (ISO 3166-1 alpha-2) must be this. */
  country: string | null;
};

/** A parsed, validated risk-rules file. */
export type RiskRules = {
  /** The file's own `version:`, recorded in every result. */
  version: string;
  /** Where the rules were read from. */
  source: string;
  /** SHA-256 of the file's bytes: pins the exact rules even when a version was not bumped. */
  sha256: string;
  /** Level of an address on a sanctions list on the screening day. */
  sanctioned: RiskLevel;
  /** Level of an address once on a sanctions list and since delisted. */
  formerlySanctioned: RiskLevel;
  /** Level when no rule fires. */
  default: RiskLevel;
  /**
   * Level of an address with no stored transfer on the chain it is screened on but some on another
   * chain of its form (a `0x` address given as ethereum that only ever moved funds on another EVM
   * chain): its own chain's answer says nothing about where its money went.
   */
  activityElsewhere: RiskLevel;
  rules: RiskRule[];
};

/**
 * The shipped default rules file. Found beside this module when running from the sources, and under
 * the package's `src/screen/` from the built bundle in `dist/`.
 */
export function defaultRiskRulesPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'default-risk-rules.yaml'),
    path.join(here, '../src/screen/default-risk-rules.yaml'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found)
    throw new Error(`default-risk-rules.yaml not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Reads and validates a risk-rules YAML file (the shipped default when `file` is absent).
 * Throws a {@link UserError} (`RULES_INVALID`) naming the file, line and rule on bad input.
 *
 * @example
 * const rules = loadRiskRules('my-rules.yaml');
 * console.log(rules.version, rules.rules.length);
 */
export function loadRiskRules(file?: string): RiskRules {
  const where = file ?? defaultRiskRulesPath();
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(where);
  } catch (error) {
    throw new UserError(`Cannot read risk rules ${where}`, {
      code: 'RULES_UNREADABLE',
      details: String((error as Error).message),
      cause: error,
    });
  }
  return parseRiskRules(bytes.toString('utf8'), file ?? 'default-risk-rules.yaml', bytes);
}

const TOP_KEYS = new Set([
  'version',
  'description',
  'sanctioned',
  'formerlySanctioned',
  'default',
  'activityElsewhere',
  'rules',
]);
const RULE_KEYS = new Set([
  'id',
  'description',
  'level',
  'exposure',
  'category',
  'direction',
  'minShare',
  'minAmount',
  'asset',
  'maxHops',
  'actor',
  'country',
]);
const INDIRECT_ONLY = ['direction', 'minShare', 'minAmount', 'asset', 'maxHops'] as const;
const DIRECT_ONLY = ['actor', 'country'] as const;
const DECIMAL_AMOUNT = /^\d+(\.\d+)?$/;

/**
 * Parses risk rules from YAML text. `source` names the file in errors and results.
 *
 * @example
 * const rules = parseRiskRules(
 *   'version: "1"\nrules:\n  - { id: own-theft, exposure: direct, category: theft, level: high }\n',
 *   'inline.yaml',
 * );
 * rules.rules[0]!.level; // 'high'
 */
export function parseRiskRules(text: string, source: string, bytes?: Buffer): RiskRules {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (node: unknown): number | null => {
    const range = (node as YamlNode | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : null;
  };
  const fail = (line: number | null, message: string): never => {
    throw new UserError(`${source}${line === null ? '' : `:${line}`}: ${message}`, {
      code: 'RULES_INVALID',
    });
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    fail(lineCounter.linePos(e.pos[0]).line, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) fail(null, 'expected a mapping with `version` and `rules`');
  const top = doc.toJS() as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (!TOP_KEYS.has(key)) fail(lineOf(doc.get(key, true)), `unknown key "${key}"`);
  const version = top.version;
  if ((typeof version !== 'string' && typeof version !== 'number') || String(version).trim() === '')
    fail(
      null,
      '`version` is required (a string recorded in every result; change it with the rules)',
    );
  const level = (value: unknown, at: string, line: number | null): RiskLevel => {
    if (typeof value === 'string' && (RISK_LEVELS as readonly string[]).includes(value))
      return value as RiskLevel;
    return fail(
      line,
      `${at}: level must be one of ${RISK_LEVELS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  };
  const rulesNode = doc.get('rules', true);
  if (rulesNode !== undefined && !isSeq(rulesNode))
    fail(lineOf(rulesNode), '`rules` must be a list');
  const rawRules = (top.rules ?? []) as unknown[];
  const ids = new Set<string>();
  const rules = rawRules.map((raw, i) => {
    const line = lineOf(isSeq(rulesNode) ? rulesNode.items[i] : null);
    let at = `rules[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return fail(line, `${at}: expected a mapping`);
    const r = raw as Record<string, unknown>;
    if (typeof r.id !== 'string' || r.id.trim() === '')
      return fail(line, `${at}: \`id\` is required`);
    at = `${at} (${r.id})`;
    if (ids.has(r.id)) fail(line, `${at}: duplicate id`);
    ids.add(r.id);
    for (const key of Object.keys(r))
      if (!RULE_KEYS.has(key)) fail(line, `${at}: unknown key "${key}"`);
    if (r.exposure !== 'direct' && r.exposure !== 'indirect')
      fail(line, `${at}: exposure must be direct or indirect, got ${JSON.stringify(r.exposure)}`);
    const exposure = r.exposure as 'direct' | 'indirect';
    for (const key of exposure === 'direct' ? INDIRECT_ONLY : DIRECT_ONLY)
      if (r[key] !== undefined)
        fail(
          line,
          `${at}: \`${key}\` applies only to ${exposure === 'direct' ? 'indirect' : 'direct'} rules`,
        );
    const categoryList = Array.isArray(r.category) ? r.category : [r.category];
    if (categoryList.length === 0 || categoryList.some((c) => typeof c !== 'string'))
      fail(
        line,
        `${at}: \`category\` must be a category name, a list of them, or "${ILLICIT_KEYWORD}"`,
      );
    const categories = new Set<string>();
    for (const c of categoryList as string[]) {
      if (c.trim().toLowerCase() === ILLICIT_KEYWORD)
        for (const k of ILLICIT_CATEGORIES) categories.add(k);
      else {
        try {
          categories.add(parseCategory(c));
        } catch (error) {
          fail(line, `${at}: ${(error as Error).message}`);
        }
      }
    }
    const direction = r.direction ?? 'any';
    if (direction !== 'in' && direction !== 'out' && direction !== 'any')
      fail(line, `${at}: direction must be in, out or any, got ${JSON.stringify(direction)}`);
    let minShare: number | null = null;
    if (r.minShare !== undefined) {
      if (typeof r.minShare !== 'number' || !(r.minShare >= 0 && r.minShare <= 1))
        fail(line, `${at}: minShare must be a number from 0 to 1 (0.25 = 25%)`);
      minShare = r.minShare as number;
    }
    let minAmount: string | null = null;
    if (r.minAmount !== undefined) {
      minAmount = String(r.minAmount);
      if (!DECIMAL_AMOUNT.test(minAmount))
        fail(
          line,
          `${at}: minAmount must be a non-negative decimal in whole units, got ${JSON.stringify(r.minAmount)}`,
        );
      if (r.asset === undefined)
        fail(line, `${at}: minAmount needs \`asset\` (amounts of different assets do not compare)`);
    }
    let maxHops: number | null = null;
    if (r.maxHops !== undefined) {
      if (!Number.isInteger(r.maxHops) || (r.maxHops as number) < 1)
        fail(line, `${at}: maxHops must be a whole number of 1 or more`);
      maxHops = r.maxHops as number;
    }
    const optionalText = (key: 'asset' | 'actor' | 'country' | 'description'): string | null => {
      const v = r[key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string' || v.trim() === '') return fail(line, `${at}: ${key} must be text`);
      return v.trim();
    };
    if (exposure === 'indirect' && minShare === null && minAmount === null)
      fail(
        line,
        `${at}: an indirect rule needs minShare or minAmount (any exposure at all would be minShare: 0)`,
      );
    const country = optionalText('country');
    return {
      id: r.id,
      description: optionalText('description'),
      level: level(r.level, at, line),
      exposure,
      categories,
      categoryText: categoryList.join(', '),
      exposureKey: categories.size === 1 ? [...categories][0]! : categoryGroupName(categories),
      direction: direction as RiskRule['direction'],
      minShare,
      minAmount,
      asset: optionalText('asset'),
      maxHops,
      actor: optionalText('actor'),
      country: country === null ? null : country.toUpperCase(),
    } satisfies RiskRule;
  });
  return {
    version: String(version).trim(),
    source,
    sha256: createHash('sha256')
      .update(bytes ?? Buffer.from(text, 'utf8'))
      .digest('hex'),
    sanctioned: level(
      top.sanctioned ?? 'severe',
      'sanctioned',
      lineOf(doc.get('sanctioned', true)),
    ),
    formerlySanctioned: level(
      top.formerlySanctioned ?? 'low',
      'formerlySanctioned',
      lineOf(doc.get('formerlySanctioned', true)),
    ),
    default: level(top.default ?? 'low', 'default', lineOf(doc.get('default', true))),
    activityElsewhere: level(
      top.activityElsewhere ?? DEFAULT_ACTIVITY_ELSEWHERE_LEVEL,
      'activityElsewhere',
      lineOf(doc.get('activityElsewhere', true)),
    ),
    rules,
  };
}

/**
 * The name of a group of categories measured as one: `illicit` for ILLICIT_CATEGORIES, else the
 * sorted categories joined by `+`.
 *
 * @example
 * categoryGroupName(new Set(['scam', 'darknet'])); // 'darknet+scam'
 */
export function categoryGroupName(categories: ReadonlySet<string>): string {
  const sorted = [...categories].sort();
  if (
    sorted.length === ILLICIT_CATEGORIES.size &&
    sorted.every((c) => ILLICIT_CATEGORIES.has(c as never))
  )
    return ILLICIT_KEYWORD;
  return sorted.join('+');
}

/**
 * The category groups the indirect rules read (and `illicit`, always reported).
 *
 * @example
 * riskRuleGroups(loadRiskRules()).get('illicit'); // Set { 'sanctioned', 'theft', … }
 */
export function riskRuleGroups(rules: RiskRules): Map<string, ReadonlySet<string>> {
  const groups = new Map<string, ReadonlySet<string>>([[ILLICIT_KEYWORD, ILLICIT_CATEGORIES]]);
  for (const r of rules.rules)
    if (r.exposure === 'indirect' && r.categories.size > 1) groups.set(r.exposureKey, r.categories);
  return groups;
}

/**
 * The higher of two risk levels.
 *
 * @example
 * maxRiskLevel('medium', 'high'); // 'high'
 */
export function maxRiskLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_LEVELS.indexOf(a) >= RISK_LEVELS.indexOf(b) ? a : b;
}
