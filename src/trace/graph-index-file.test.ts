import { describe, expect, it } from 'vitest';
import { joinLines, splitLines } from './graph-index-file.ts';

describe('names in the index file', () => {
  // Real-shaped names: transaction hashes, addresses, an asset with a multi-byte name, an empty one.
  const names = [
    '0x4b4d7f0f1e6c0d3f86a4c3e0f2a1b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2',
    'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
    'Tether USD ₮',
    '',
    '0x098b716b8aaf21512996dc57eb0615e2383e2f96',
  ];
  it('reads back what it wrote, whatever the pieces it is written and read in', () => {
    for (const perPiece of [1, 2, 3, 100])
      for (const bytesPerPiece of [1, 7, 40, 1 << 20]) {
        const bytes = joinLines(names, perPiece);
        expect(bytes.toString('utf8')).toBe(names.join('\n'));
        expect(splitLines(bytes, bytesPerPiece)).toEqual(names);
      }
    expect(splitLines(joinLines([]))).toEqual([]);
  });
});
