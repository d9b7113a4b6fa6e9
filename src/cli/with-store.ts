import fs from 'node:fs';
import path from 'node:path';
import { claimedAtMs, claimToken } from '../store/claim-version.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { CliContext, GlobalOptions } from './context.ts';
import { packageRoot } from './paths.ts';

/** The claim of loading the reference labels into a new database, and the document saying it is done. */
const REFERENCE_CLAIM = 'reference-labels';
const REFERENCE_LOADED = { kind: 'generation', id: 'reference-labels' } as const;
/**
 * How long after its claim a process has to load the reference labels before another takes over
 * (they take about 10 s into the 2-shard test cluster at load 5 on 2 cores).
 */
const REFERENCE_WAIT_MS = 180_000;
const REFERENCE_POLL_MS = 250;

/**
 * Waits until the process holding the reference claim has loaded the labels: true when it has,
 * false when the claim is older than {@link REFERENCE_WAIT_MS} without them (its process died).
 */
async function waitForReferenceLabels(ctx: CliContext, store: Store, holder: string) {
  const loaded = async () =>
    (await store.getDocument(REFERENCE_LOADED.kind, REFERENCE_LOADED.id))?.body === holder;
  const deadline = claimedAtMs(holder) + REFERENCE_WAIT_MS;
  let told = false;
  while (!(await loaded())) {
    if (!(Date.now() < deadline)) return false;
    if (!told)
      ctx.stderr.write(
        'chaintrail: another process is loading the reference labels; waiting for it\n',
      );
    told = true;
    await new Promise((resolve) => setTimeout(resolve, REFERENCE_POLL_MS));
  }
  return true;
}

/**
 * Loads the shipped reference labels (data/reference) into a database that has no label import yet,
 * with one line on stderr; `CHAINTRAIL_NO_REFERENCE=1` opts out. A package without the folder loads
 * nothing.
 */
async function loadReferenceIntoNewStore(ctx: CliContext, store: Store): Promise<void> {
  if (/^(1|true|yes)$/i.test(ctx.env.CHAINTRAIL_NO_REFERENCE ?? '')) return;
  if ((await store.listLabelImports()).length > 0) return;
  const dir = path.join(packageRoot(), 'data/reference');
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    ctx.logger.warn(
      { dir },
      'no reference label set found; the new database starts without labels',
    );
    return;
  }
  // Several processes may open a new ClickHouse database at once (two `serve` processes of a
  // deployment): one loads the labels, the others wait for it, so none serves without them. One
  // that died before it was done is taken over (the next claim is named after its). A store one
  // process writes (a DuckDB file: it has a directory) needs no claim.
  let token = '';
  for (let name = REFERENCE_CLAIM; store.indexLocation === null;) {
    const claim = await store.claim(name, claimToken());
    token = claim.holder;
    if (claim.won) break;
    if (await waitForReferenceLabels(ctx, store, claim.holder)) return;
    ctx.logger.warn(
      { claimedAt: new Date(claimedAtMs(claim.holder)).toISOString() },
      'the process loading the reference labels did not finish; loading them here',
    );
    name = `${REFERENCE_CLAIM}:after:${claim.holder}`;
  }
  // Loaded only for a new database: the reference loader normalises addresses, which loads viem
  // (0.2-0.45 s of CPU), and most commands open a database that has its labels already.
  const { loadReferenceLabels } = await import('../labels/reference.ts');
  const result = await loadReferenceLabels({ store, dir });
  if (token) await store.putDocument({ ...REFERENCE_LOADED, org: null, body: token });
  ctx.stderr.write(
    `chaintrail: new database: loaded ${result.labelsWritten.toLocaleString('en-US')} reference labels from ${result.loaded} lists in ${(result.ms / 1000).toFixed(1)} s (see data/reference/PROVENANCE.md; CHAINTRAIL_NO_REFERENCE=1 skips this)\n`,
  );
}

/**
 * Opens the store named by `--db` / `CHAINTRAIL_DB`, runs `fn`, and always closes it. A database
 * without any label import first gets the shipped reference labels (`CHAINTRAIL_NO_REFERENCE=1` skips
 * them).
 *
 * @example
 * await withStore(ctx, opts, async (store) => store.getStats());
 */
export async function withStore<T>(
  ctx: CliContext,
  options: GlobalOptions,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore({ db: options.db, env: ctx.env });
  try {
    await loadReferenceIntoNewStore(ctx, store);
    return await fn(store);
  } finally {
    await store.close();
  }
}
