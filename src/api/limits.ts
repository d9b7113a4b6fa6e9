/**
 * Default limits per key and organisation of the API, apart from the modules that enforce them so that
 * the CLI can name them in `serve --help` without loading Fastify.
 */

/**
 * Addresses x hops of indirect exposure one key may ask for per minute: five requests at the most a
 * request takes ({@link MAX_SCREEN_ADDRESS_HOPS} in src/api/routes/screen.ts). On the demo database,
 * 256 distinct addresses at 6 hops (1,536) took 1.1-1.4 s with time-respecting exposure (0.67 s
 * with the all-time rule it replaced), about 0.8 ms each, so one key holds the server about 8 s a
 * minute this way at most; `/healthz` answered within 0.14-0.6 s during such a request.
 */
export const SCREEN_WORK_PER_MINUTE = 10_000;

/**
 * Jobs one API key may have queued or running. The UI starts one trace per click and one job takes
 * up to 1,000 seeds, so a person rarely has more than a few; 20 leaves a script room to batch
 * (about 13 s of the demo's 12-hop trace, 0.63-0.67 s each here) while keeping one key to less than
 * half of its organisation's {@link TRACE_JOBS_PER_ORG}.
 */
export const TRACE_JOBS_PER_KEY = 20;
/**
 * Jobs one organisation may have queued or running, all its keys together (2.5 keys' worth). Jobs
 * run one at a time, so this bounds how long the organisation's own newest job waits (50 of the
 * demo's traces: about 33 s) and what its queue holds (1,000 seeds of up to 200 characters a job
 * at most). Whatever the cap, another organisation's next job waits for one of its jobs at most:
 * 200 queued by one organisation made another's 1-hop trace wait 126 s before organisations took
 * turns, 0.95 s after (the demo's database, 2 busy cores).
 */
export const TRACE_JOBS_PER_ORG = 50;
