import { describe, expect, it } from 'vitest';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { renderTrace } from './render-trace.ts';

const ETH = { symbol: 'ETH', decimals: 18 };

describe('renderTrace', () => {
  it('shows where the money is by category and entity, in ETH, adding up to 100% with the untraced part', () => {
    const text = renderTrace(handBuiltTrace(), {
      assets: (chain, asset) => (chain === 'anvil' && asset === 'native' ? ETH : undefined),
    });
    const table = text.split('Where the money is now:\n')[1]!.split('\n');
    // Header, rule, then rows by share: bridge 35, deposit 30, mixer 30, unspent 4, untraced 1.
    expect(table[2]).toMatch(/^ {2}bridge\s+THORChain\s+35 ETH\s+35\.0%$/);
    expect(table[3]).toContain(`deposit_wallet  ${FIXTURE.exchangeEntity}`);
    expect(table[3]).toMatch(/30 ETH\s+30\.0%$/);
    expect(table[5]).toMatch(/^ {2}unspent\s+4 ETH\s+4\.0%$/);
    expect(table[6]).toMatch(/^ {2}untraced .*1\.0%$/);
    expect(text).toContain('traced 99.0% + untraced 1.0% = 100.0% of the seed');
    expect(text).toContain(`Seed value: 100 ETH`);
    // The one freezable figure (src/trace/freezable.ts): the deposit, not the bridge or the mixer.
    expect(text).toContain(
      'Freezable: 30 ETH (30.0%) at 1 service that can freeze it (exchanges, OTC desks, instant exchanges)',
    );
  });

  it('says a backward trace has nothing freezable by not speaking of it', () => {
    const result = handBuiltTrace();
    result.parameters = { ...result.parameters, direction: 'backward' };
    expect(renderTrace(result)).not.toContain('Freezable');
  });

  it('lists the top endpoints with finding, amount, share and one evidence path each', () => {
    const text = renderTrace(handBuiltTrace(), { assets: () => ETH, topEndpoints: 2 });
    expect(text).toContain('Top endpoints (2 of 4):');
    expect(text).toContain(`1. bridged to bitcoin ${FIXTURE.btcPayout}: 35 ETH (35.0%)`);
    expect(text).toContain(`destination: bitcoin ${FIXTURE.btcPayout}`);
    expect(text).toContain(`2. arrived at ${FIXTURE.exchangeEntity}: freezable: 30 ETH (30.0%)`);
    expect(text).toContain(`path: ${FIXTURE.exploiter} > ${FIXTURE.split1} > ${FIXTURE.deposit}`);
    expect(text).not.toContain('entered Simulated Mixer');
  });

  it('shows raw units when no asset lookup is given', () => {
    const text = renderTrace(handBuiltTrace());
    expect(text).toContain('Seed value: 100,000,000,000,000,000,000 raw');
    expect(text).toMatch(/bridge\s+THORChain\s+35,000,000,000,000,000,000 raw\s+35\.0%/);
  });
});
