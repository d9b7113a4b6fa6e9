import { describe, expect, it } from 'vitest';
import { SCENARIO_DESCRIPTIONS } from './scenario-descriptions.ts';
import { SCENARIOS } from './simulate.ts';

describe('SCENARIO_DESCRIPTIONS', () => {
  it('names every scenario in the order of SCENARIOS, with its description', () => {
    expect(Object.entries(SCENARIO_DESCRIPTIONS)).toEqual(
      SCENARIOS.map((s) => [s.name, s.description]),
    );
  });
});
