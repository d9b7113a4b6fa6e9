import { describe, expect, it } from 'vitest';
import { planEtlFees } from './etl-fees.ts';

const BLOCK = ['number', 'miner', 'base_fee_per_gas', 'timestamp'];
const STREAM_TX = ['hash', 'from_address', 'gas_price', 'receipt_gas_used'];
const PLAIN_TX = ['hash', 'from_address', 'gas_price'];

describe('planEtlFees', () => {
  it('takes gas used from the transactions when they carry it, else from a receipts export', () => {
    expect(planEtlFees({ blocks: [BLOCK], transactions: [STREAM_TX], receipts: [] })).toEqual({
      mode: 'inline',
    });
    expect(
      planEtlFees({ blocks: [BLOCK], transactions: [PLAIN_TX], receipts: [['gas_used']] }),
    ).toEqual({ mode: 'receipts' });
    // Every transactions file must carry it to go without the receipts.
    expect(
      planEtlFees({
        blocks: [BLOCK],
        transactions: [STREAM_TX, PLAIN_TX],
        receipts: [['gas_used']],
      }),
    ).toEqual({ mode: 'receipts' });
  });

  it('names what is missing: the blocks export, its columns, gas used; nothing without transactions', () => {
    expect(planEtlFees({ blocks: [], transactions: [STREAM_TX], receipts: [] })).toEqual({
      mode: 'none',
      missing: 'a blocks export (miner, base_fee_per_gas)',
    });
    expect(
      planEtlFees({ blocks: [['number', 'timestamp']], transactions: [PLAIN_TX], receipts: [] }),
    ).toEqual({
      mode: 'none',
      missing:
        "the blocks export's miner, base_fee_per_gas columns; gas used: the transactions export's receipt_gas_used column or a receipts export's gas_used column",
    });
    expect(planEtlFees({ blocks: [BLOCK], transactions: [], receipts: [] })).toEqual({
      mode: 'none',
      missing: null,
    });
  });
});
