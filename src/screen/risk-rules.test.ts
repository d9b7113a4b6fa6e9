import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { ILLICIT_CATEGORIES } from '../labels/taxonomy.ts';
import { loadRiskRules, maxRiskLevel, parseRiskRules } from './risk-rules.ts';

const bad = (text: string) => () => parseRiskRules(text, 'rules.yaml');

describe('risk rules', () => {
  it('loads the shipped default rules: versioned, sanctioned is severe, illicit expanded', () => {
    const rules = loadRiskRules();
    expect(rules).toMatchObject({
      version: 'chaintrail-default-2',
      sanctioned: 'severe',
      formerlySanctioned: 'medium',
      default: 'low',
      activityElsewhere: 'medium',
    });
    expect(rules.sha256).toMatch(/^[0-9a-f]{64}$/);
    const illicit = rules.rules.find((r) => r.id === 'in-illicit-25')!;
    expect([...illicit.categories].sort()).toEqual([...ILLICIT_CATEGORIES].sort());
    expect(illicit).toMatchObject({
      exposure: 'indirect',
      direction: 'in',
      minShare: 0.25,
      level: 'high',
    });
    expect(new Set(rules.rules.map((r) => r.id)).size).toBe(rules.rules.length);
  });

  it('pins the exact file: the same rules with one changed threshold have another hash', () => {
    const dir = makeTempDir();
    try {
      const text = fs.readFileSync(
        path.resolve(import.meta.dirname, 'default-risk-rules.yaml'),
        'utf8',
      );
      const file = path.join(dir.path, 'mine.yaml');
      fs.writeFileSync(file, text.replace('minShare: 0.25', 'minShare: 0.3'));
      const mine = loadRiskRules(file);
      expect(mine.source).toBe(file);
      expect(mine.version).toBe('chaintrail-default-2');
      expect(mine.sha256).not.toBe(loadRiskRules().sha256);
    } finally {
      dir.cleanup();
    }
  });

  it('rejects bad files with the file, line and rule named', () => {
    expect(bad('rules: []')).toThrow('rules.yaml: `version` is required');
    expect(
      bad(
        'version: 1\nrules:\n  - id: a\n    exposure: direct\n    category: theft\n    level: extreme\n',
      ),
    ).toThrow(
      'rules.yaml:3: rules[0] (a): level must be one of low, medium, high, severe, got "extreme"',
    );
    expect(
      bad('version: 1\nrules:\n  - { id: a, exposure: direct, category: thefts, level: high }\n'),
    ).toThrow(/rules\.yaml:3: rules\[0\] \(a\): category: unknown category "thefts"/);
    expect(
      bad(
        'version: 1\nrules:\n  - { id: a, exposure: direct, category: theft, level: high }\n  - { id: b, exposure: indirect, category: theft, level: high }\n',
      ),
    ).toThrow('rules.yaml:4: rules[1] (b): an indirect rule needs minShare or minAmount');
    expect(
      bad(
        'version: 1\nrules:\n  - { id: a, exposure: indirect, category: theft, minShare: 25, level: high }\n',
      ),
    ).toThrow('minShare must be a number from 0 to 1');
    expect(
      bad(
        'version: 1\nrules:\n  - { id: a, exposure: indirect, category: theft, minAmount: 5, level: high }\n',
      ),
    ).toThrow('minAmount needs `asset`');
    expect(
      bad(
        'version: 1\nrules:\n  - { id: a, exposure: direct, category: theft, minShare: 0.1, level: high }\n',
      ),
    ).toThrow('`minShare` applies only to indirect rules');
    expect(
      bad(
        'version: 1\nrules:\n  - { id: a, exposure: direct, category: theft, level: high, colour: red }\n',
      ),
    ).toThrow('unknown key "colour"');
    expect(
      bad(
        'version: 1\nrules:\n  - { id: a, exposure: direct, category: theft, level: high }\n  - { id: a, exposure: direct, category: scam, level: high }\n',
      ),
    ).toThrow('rules.yaml:4: rules[1] (a): duplicate id');
    expect(bad('version: 1\nrules: [\n')).toThrow(/rules\.yaml:\d+: not valid YAML/);
    expect(() => loadRiskRules('/no/such/rules.yaml')).toThrow(
      'Cannot read risk rules /no/such/rules.yaml',
    );
  });

  it('orders levels', () => {
    expect(maxRiskLevel('medium', 'high')).toBe('high');
    expect(maxRiskLevel('severe', 'low')).toBe('severe');
  });
});
