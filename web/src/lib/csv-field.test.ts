import { describe, expect, it } from 'vitest';
import { csvField } from './csv-field.ts';

describe('csvField', () => {
  it('quotes commas and quotes', () => {
    expect(csvField('Cedar, "Inc"')).toBe('"Cedar, ""Inc"""');
  });

  it('keeps formulas out of spreadsheets, a minus and a digit included; numbers stay numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-12.5')).toBe('-12.5');
    expect(csvField(-3)).toBe('-3');
    expect(csvField('1000')).toBe('1000');
    expect(csvField(null)).toBe('');
  });
});
