/**
 * How illicit-share rows are grouped. Apart from the computation (src/stats/illicit-share.ts) so
 * that the CLI's option parsing loads nothing heavy: `--help` must not load the address codecs.
 */
export const ILLICIT_SHARE_GROUPINGS = ['chain', 'month', 'category', 'actor'] as const;
export type IllicitShareGrouping = (typeof ILLICIT_SHARE_GROUPINGS)[number];
