import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './time.ts';

describe('parseTimestamp', () => {
  it('reads ISO dates and times, Unix seconds and milliseconds', () => {
    expect(parseTimestamp('2025-02-21')).toBe(Date.UTC(2025, 1, 21) / 1000);
    expect(parseTimestamp('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12) / 1000);
    expect(parseTimestamp('1740146400')).toBe(1740146400);
    expect(parseTimestamp('1740146400123')).toBe(1740146400);
  });

  it('refuses a day the calendar does not have instead of rolling it into the next month', () => {
    for (const text of ['2025-02-30', '2025-02-29T00:00:00Z', '2025-04-31', '2025-13-01'])
      expect(() => parseTimestamp(text), text).toThrow(/time|date/i);
  });
});
