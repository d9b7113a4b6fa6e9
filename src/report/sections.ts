// Apart from types.ts and the report's modules, so that `chaintrail report --help` lists the
// sections without loading them (nothing here imports anything).

/** The sections of a report, in the order; an investigator can leave any out but the summary. */
export const REPORT_SECTIONS = [
  'summary',
  'freeze',
  'method',
  'evidence',
  'data',
  'reproduction',
] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];
