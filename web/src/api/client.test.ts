import { describe, expect, it } from 'vitest';
import { parseEvents, type ServerEvent, withQuery } from './client.ts';

describe('parseEvents', () => {
  it('parses Server-Sent Events split anywhere across chunks', () => {
    const stream =
      ': comment\n\nevent: progress\nid: 1\ndata: {"progress":0.5}\n\nevent: done\r\ndata: {"a":1}\r\ndata: {"b":2}\r\n\r\n';
    for (let cut = 0; cut <= stream.length; cut++) {
      const events: ServerEvent[] = [];
      const rest = parseEvents(stream.slice(0, cut), (e) => events.push(e));
      parseEvents(rest + stream.slice(cut), (e) => events.push(e));
      expect(events, `cut at ${cut}`).toEqual([
        { event: 'progress', data: '{"progress":0.5}', id: '1' },
        { event: 'done', data: '{"a":1}\n{"b":2}', id: null },
      ]);
    }
  });
});

describe('withQuery', () => {
  it('adds the parameters that have a value, encoded', () => {
    expect(
      withQuery('/v1/labels', { q: 'Lazarus Group', limit: 50, chain: undefined, x: '' }),
    ).toBe('/v1/labels?q=Lazarus+Group&limit=50');
    expect(withQuery('/v1/cases')).toBe('/v1/cases');
  });
});
