import { describe, expect, it } from 'vitest';
import { shareText, smallText } from './text.ts';

describe('shareText and smallText', () => {
  it('shows small non-zero values as below the last digit', () => {
    expect(shareText(0.00001)).toBe('< 0.01%');
    expect(shareText(0, 1)).toBe('0.0%');
    expect(shareText(0.1234)).toBe('12.34%');
    expect(smallText('0', true, 2)).toBe('< 0.01');
    expect(smallText('0', false, 2)).toBe('0');
    expect(smallText('1.5', true, 2)).toBe('1.5');
  });
});
