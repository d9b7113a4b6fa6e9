import { describe, expect, it } from 'vitest';
import { readAddressColumn } from './parse-input.ts';

// On OFAC's SDN list (Lazarus Group); and a 2015 token sender from ethereum-etl's test resources.
const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const SENDER = '0x1b63142628311395ceafeea5667e7c9026c862ca';

describe('reading the address column of an uploaded CSV', () => {
  it('takes the column whose cells are addresses when none is named address, and keeps every row whole', () => {
    const read = readAddressColumn(
      `\uFEFFcustomer_id,wallet,amount\r\nc1,${LAZARUS},"1,000"\r\n"c2, ""vip""",${SENDER},2\r\nc3,,3\r\n`,
    );
    expect(read).toMatchObject({
      addresses: [LAZARUS, SENDER],
      column: 'wallet',
      columnIndex: 1,
      columnFrom: 'values',
      columns: ['customer_id', 'wallet', 'amount'],
      rows: 3,
      blank: 1,
    });
    expect(read.data).toEqual([
      ['c1', LAZARUS, '1,000'],
      ['c2, "vip"', SENDER, '2'],
      ['c3', '', '3'],
    ]);
  });

  it('reads a bare list as rows without a header, and prefers a column named address', () => {
    expect(readAddressColumn(`${LAZARUS}\n${SENDER}\n`)).toMatchObject({
      column: null,
      columns: null,
      columnFrom: 'values',
      data: [[LAZARUS], [SENDER]],
    });
    expect(readAddressColumn(`from;Address\n${SENDER};${LAZARUS}\n`)).toMatchObject({
      addresses: [LAZARUS],
      column: 'Address',
      columnFrom: 'header',
    });
  });
});
