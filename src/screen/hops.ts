// Apart from create-screener.ts, which loads the screening engine, so that `chaintrail --help`
// shows them without loading it.

/** Hops of indirect exposure followed when the caller does not say. */
export const DEFAULT_HOPS = 2;
/** Most hops accepted: each hop is one query per direction, and value thins out fast. */
export const MAX_HOPS = 6;
