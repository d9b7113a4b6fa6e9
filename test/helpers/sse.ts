/**
 * The events of a Server-Sent Events body (`event: <name>` then `data: <JSON>`), in order;
 * comments and partial blocks are skipped.
 *
 * @example
 * parseSseEvents<TraceJob>(res.body).at(-1)!.event; // 'done'
 */
export function parseSseEvents<T>(text: string): { event: string; data: T }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return {
        event: eventLine!.slice('event: '.length),
        data: JSON.parse(dataLine!.slice('data: '.length)) as T,
      };
    });
}
