import type { TraceResult } from '../../api/types.ts';
import type { Bucket } from './money/buckets.ts';
import { incidentFigures } from './money/figures.ts';
import { buildFreezeList } from './money/freeze-list.ts';
import { heldAmounts, type HeldAmount } from './money/held-amounts.ts';
import { endpointMeasure, type Valuation } from './money/valuation.ts';

/** Services named in the summary line; the rest are counted ("and 3 more"). */
export const SUMMARY_SERVICES_NAMED = 3;

/** Where the value is, in the order the line tells it (freezable first: it is what can be acted on). */
const WHERE = ['bridged', 'mixed', 'held', 'other'] as const satisfies readonly Bucket[];
/** The parts in words that follow an amount ("30% bridged"). */
const PART_WORDS: Record<(typeof WHERE)[number] | 'untraced', string> = {
  bridged: 'bridged',
  mixed: 'mixed',
  held: 'still held',
  other: 'elsewhere',
  untraced: 'untraced',
};

/** One part of where the value is now: a bucket's share and measure. */
export type SummaryPart = {
  key: Bucket | 'untraced';
  label: string;
  share: number;
  measure: number;
};

/** The one-line answer a case opens on. */
export type CaseSummary =
  | {
      direction: 'forward';
      /** Stolen: the measure (valuation units, or share 1) and when it first moved (Unix seconds). */
      stolen: { measure: number; first: number | null };
      /**
       * The freezable figure (src/trace/freezable.ts), with the services a request goes to; `held`:
       * what they hold per asset (ETH and rBTC when the trace crossed to Bitcoin).
       */
      freezable: {
        share: number;
        measure: number;
        held: HeldAmount[];
        services: {
          name: string;
          entity: string | null;
          share: number;
          measure: number;
          held: HeldAmount[];
        }[];
      };
      /** The rest of where it is: bridged, mixed, still held, other, untraced (non-zero ones). */
      parts: SummaryPart[];
    }
  | {
      direction: 'backward';
      /** What the seeds received, traced back. */
      received: { measure: number };
      /** Largest sources first (entity or category, or an unlabelled origin). */
      sources: { name: string; category: string; share: number; measure: number }[];
      untraced: number;
    };

/**
 * The summary of a case's trace: forward, what was stolen, what can be frozen and by whom, and where
 * the rest is; backward, what was received and where it came from. Built from the same figures as
 * the dashboard and the freeze list, so the line and the tabs agree.
 *
 * @example
 * caseSummary(result, valuationOf(result)).freezable.share; // 0.2499
 */
export function caseSummary(result: TraceResult, valuation: Valuation): CaseSummary {
  const figures = incidentFigures(result, valuation);
  const by = new Map(figures.map((f) => [f.key, f]));
  if (result.parameters.direction === 'backward') {
    const sources = new Map<
      string,
      { name: string; category: string; share: number; measure: number }
    >();
    for (const e of result.endpoints) {
      const name = e.entity ?? (e.category === 'origin' ? e.address : e.category);
      const key = `${e.category}\u0000${name}`;
      const row = sources.get(key) ?? { name, category: e.category, share: 0, measure: 0 };
      row.share += e.share;
      row.measure += endpointMeasure(valuation, e);
      sources.set(key, row);
    }
    return {
      direction: 'backward',
      received: { measure: by.get('stolen')!.measure },
      sources: [...sources.values()].sort((a, b) => b.share - a.share),
      untraced: result.summary.untraced,
    };
  }
  const freezable = by.get('freezable')!;
  const exchanges = buildFreezeList(result, valuation);
  const services = exchanges.map((x) => ({
    name: x.name,
    entity: x.entity,
    share: x.share,
    measure: x.measure,
    held: heldAmounts(x.deposits),
  }));
  const parts: SummaryPart[] = [];
  for (const key of WHERE) {
    const f = by.get(key);
    if (f && f.share > 0)
      parts.push({
        key,
        label: PART_WORDS[key],
        share: f.share,
        measure: f.measure,
      });
  }
  const untraced = by.get('untraced')!;
  if (untraced.share > 0)
    parts.push({
      key: 'untraced',
      label: PART_WORDS.untraced,
      share: untraced.share,
      measure: untraced.measure,
    });
  const stolen = by.get('stolen')!;
  return {
    direction: 'forward',
    stolen: { measure: stolen.measure, first: stolen.first },
    freezable: {
      share: freezable.share,
      measure: freezable.measure,
      held: heldAmounts(exchanges.flatMap((x) => x.deposits)),
      services,
    },
    parts,
  };
}
