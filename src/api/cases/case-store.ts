import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError, TooLargeError, UserError } from '../../errors/base.ts';
import type { StoredDocument, Store } from '../../store/store.ts';
import { CASE_FINDINGS_KIND } from '../labels/finding-labels.ts';
import { forgetPrivateLabels } from '../labels/org-labels.ts';
import { nestedDeeperThan } from '../json.ts';
import { claimNextVersion } from '../../store/claim-version.ts';

/** The store document kind of cases. */
export const CASE_KIND = 'case';
/** Largest request body of a case (create or replace). */
export const MAX_CASE_BODY_BYTES = 5 * 1024 * 1024;
/**
 * Largest stored case: a full body plus what the server adds (note authors and times), and the
 * notes appended one by one later.
 */
export const MAX_STORED_CASE_BYTES = 6 * 1024 * 1024;

/** A note of a case: who wrote it and when. */
export type CaseNote = {
  id: string;
  text: string;
  /** The API key that wrote it. */
  author: string;
  time: string;
  /** Set when a replace changed the text. */
  editedBy: string | null;
  editedAt: string | null;
};

/** What a client sets on a case (create and replace). */
export type CaseContent = {
  name: string;
  description: string | null;
  /** Addresses and transactions the investigation started from. */
  seeds: string[];
  /** The client's graph state (node positions, expanded nodes, filters), kept as given. */
  graph: unknown;
  /** Text per graph node id. */
  annotations: Record<string, string>;
  /** Trace jobs of the organisation the case refers to. */
  traceIds: string[];
};

/** A saved investigation. */
export type InvestigationCase = CaseContent & {
  id: string;
  org: string;
  notes: CaseNote[];
  /** Starts at 1; every change adds one. A replace must name the version it was based on. */
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
};

/** A case in a list: without its graph, annotations and notes (their counts instead). */
export type CaseSummary = Omit<InvestigationCase, 'graph' | 'annotations' | 'notes'> & {
  notes: number;
  annotations: number;
};

/** Input of a create or replace; left-out fields take their defaults. */
export type CaseInput = {
  name: string;
  description?: string | null | undefined;
  seeds?: string[] | undefined;
  graph?: unknown;
  annotations?: Record<string, string> | undefined;
  /**
   * On create: the first notes. On replace: the notes to keep, in order (`id` for an existing one,
   * whose author and time stay; none for a new one); left out, the notes stay as they are.
   */
  notes?: { id?: string | undefined; text: string }[] | undefined;
  traceIds?: string[] | undefined;
};

/** Cases of organisations, stored as documents; changes of one case never interleave. */
export type CaseStore = {
  create(org: string, by: string, input: CaseInput): Promise<InvestigationCase>;
  /** The case, if it belongs to `org`. */
  get(org: string, id: string): Promise<InvestigationCase | null>;
  /** The cases of `org`, newest first. */
  list(org: string, page: { limit: number; offset: number }): Promise<CaseSummary[]>;
  /** Replaces a case based on `version`; a stale version is a 409 `CASE_CONFLICT`. */
  replace(
    org: string,
    id: string,
    by: string,
    input: CaseInput & { version: number },
  ): Promise<InvestigationCase | null>;
  addNote(
    org: string,
    id: string,
    by: string,
    text: string,
  ): Promise<{ note: CaseNote; version: number } | null>;
  delete(org: string, id: string): Promise<CaseSummary | null>;
};

/** Input of {@link createCaseStore}. */
export type CreateCaseStoreParameters = {
  store: Store;
  /** Whether `org` has a trace of this id (a case may only refer to its organisation's traces). */
  traceExists: (id: string, org: string) => Promise<boolean>;
  /** Largest stored case (default {@link MAX_STORED_CASE_BYTES}). */
  maxStoredBytes?: number | undefined;
};

/** What a case's document holds (its id, org and times are the document's). */
type CaseBody = CaseContent & {
  notes: CaseNote[];
  version: number;
  createdBy: string;
  updatedBy: string;
};

function fromDocument(doc: StoredDocument): InvestigationCase {
  const body = doc.body as CaseBody;
  return {
    id: doc.id,
    org: doc.org!,
    name: body.name,
    description: body.description,
    seeds: body.seeds,
    graph: body.graph,
    annotations: body.annotations,
    notes: body.notes,
    traceIds: body.traceIds,
    version: body.version,
    createdBy: body.createdBy,
    updatedBy: body.updatedBy,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/**
 * A case without its big parts.
 *
 * @example
 * summarise(await cases.get('acme', id)).notes; // 3
 */
export function summarise(c: InvestigationCase): CaseSummary {
  const { graph: _graph, annotations, notes, ...rest } = c;
  return { ...rest, notes: notes.length, annotations: Object.keys(annotations).length };
}

/**
 * Levels of arrays and objects a case's graph state may nest: the UI saves an object of arrays of
 * node and edge tuples (3 levels); a graph 4,500 levels deep overflowed the stack of the code that
 * stores it (a 500).
 */
const MAX_GRAPH_DEPTH = 64;

function contentOf(input: CaseInput): CaseContent {
  if (nestedDeeperThan(input.graph, MAX_GRAPH_DEPTH))
    throw new UserError(`graph: nested deeper than ${MAX_GRAPH_DEPTH} levels`, {
      code: 'CASE_GRAPH_TOO_DEEP',
      details: 'Send the graph state as the UI keeps it (node positions, expanded nodes, filters).',
    });
  return {
    name: input.name.trim(),
    description: input.description?.trim() || null,
    seeds: input.seeds ?? [],
    graph: input.graph ?? null,
    annotations: input.annotations ?? {},
    traceIds: input.traceIds ?? [],
  };
}

/** The notes a replace asks for: known ones keep author and time, new ones are `by`'s, now. */
function replaceNotes(
  current: readonly CaseNote[],
  given: NonNullable<CaseInput['notes']>,
  by: string,
  now: string,
): CaseNote[] {
  const byId = new Map(current.map((n) => [n.id, n]));
  const seen = new Set<string>();
  return given.map((g, i) => {
    if (g.id === undefined)
      return {
        id: randomUUID(),
        text: g.text,
        author: by,
        time: now,
        editedBy: null,
        editedAt: null,
      };
    const known = byId.get(g.id);
    if (!known)
      throw new UserError(`notes/${i}: the case has no note "${g.id}"`, {
        code: 'CASE_UNKNOWN_NOTE',
        details: 'Give the id of a note the case has, or no id for a new note.',
      });
    if (seen.has(g.id))
      throw new UserError(`notes/${i}: note "${g.id}" is given twice`, {
        code: 'CASE_DUPLICATE_NOTE',
      });
    seen.add(g.id);
    return known.text === g.text ? known : { ...known, text: g.text, editedBy: by, editedAt: now };
  });
}

/** Tries of a change not based on a client's version (a note, a deletion) while other servers change the case. */
const CHANGE_ATTEMPTS = 10;
/**
 * Wait before the next try, times the try's number: the process that won the version is writing it
 * (a claim and a write on ClickHouse take some 10-50 ms here), and reading before it lands would
 * only lose again.
 */
const CHANGE_RETRY_DELAY_MS = 20;

/** The refusal of a change based on a version that is no longer the case's. */
function conflict(id: string, current: number | null, basedOn: number): ConflictError {
  return new ConflictError(
    current === null
      ? `Case ${id} changed while this change was made; it was based on version ${basedOn}`
      : `Case ${id} is at version ${current}; this change was based on version ${basedOn}`,
    {
      code: 'CASE_CONFLICT',
      details: 'Load the case again, apply the change to it and send it with its version.',
    },
  );
}

/** The refusal of a change not based on a version, after other servers kept changing the case. */
function busy(id: string, attempts: number): ConflictError {
  return new ConflictError(
    `Case ${id} kept changing on other servers: ${attempts} tries did not land`,
    {
      code: 'CASE_CONFLICT',
      details: 'Send the change again in a moment.',
    },
  );
}

function checkSize(body: CaseBody, limit: number): void {
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > limit)
    throw new TooLargeError(
      `The case would take ${bytes} bytes; a case is at most ${limit} bytes (${(limit / 1024 / 1024).toFixed(1)} MB)`,
      {
        code: 'CASE_TOO_LARGE',
        details: 'Leave out parts of the graph state, or move notes into a new case.',
      },
    );
}

/**
 * Cases as documents of kind {@link CASE_KIND}, one per case, owned by the key's organisation
 * (another organisation's case is as absent as a missing one). Replace, note and delete of one case
 * run one after another in this process, and each claims the case's next version in the store
 * ({@link claimNextVersion}), so two `serve` processes sharing a store cannot both write it: the
 * version check and the write do not interleave anywhere.
 *
 * @example
 * const cases = createCaseStore({ store, traceExists: async (id, org) => !!(await traces.get(id, org)) });
 * const c = await cases.create('acme', key.id, { name: 'Ronin bridge exploit', seeds: [address] });
 * await cases.replace('acme', c.id, key.id, { ...c, name: 'Ronin, phase 2', version: c.version });
 */
export function createCaseStore(parameters: CreateCaseStoreParameters): CaseStore {
  const { store, traceExists } = parameters;
  const maxStoredBytes = parameters.maxStoredBytes ?? MAX_STORED_CASE_BYTES;
  const locks = new Map<string, Promise<unknown>>();

  const withLock = <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(id) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    locks.set(id, tail);
    void tail.then(() => {
      if (locks.get(id) === tail) locks.delete(id);
    });
    return run;
  };

  const checkTraces = async (org: string, traceIds: readonly string[], known: Set<string>) => {
    for (const [i, traceId] of traceIds.entries()) {
      if (known.has(traceId)) continue;
      if (!(await traceExists(traceId, org)))
        throw new UserError(`traceIds/${i}: no trace "${traceId}" in this organisation`, {
          code: 'CASE_UNKNOWN_TRACE',
        });
    }
  };

  const load = async (org: string, id: string): Promise<InvestigationCase | null> => {
    const doc = await store.getDocument(CASE_KIND, id);
    return doc && doc.org === org ? fromDocument(doc) : null;
  };

  const save = async (id: string, org: string, body: CaseBody): Promise<InvestigationCase> => {
    checkSize(body, maxStoredBytes);
    return fromDocument(await store.putDocument({ kind: CASE_KIND, id, org, body }));
  };

  /**
   * Claims the change of `current` to its next version, across every `serve` process of the store
   * (the lock above orders this process's own changes; the claim orders them with the others').
   */
  const claimChange = (org: string, current: InvestigationCase) =>
    claimNextVersion(
      store,
      `case:${current.id}`,
      current.version,
      async () => (await load(org, current.id))?.version === current.version,
    );

  const bodyOf = (c: InvestigationCase): CaseBody => {
    const { id: _id, org: _org, createdAt: _c, updatedAt: _u, ...body } = c;
    return body;
  };

  return {
    async create(org, by, input) {
      const content = contentOf(input);
      await checkTraces(org, content.traceIds, new Set());
      const now = new Date().toISOString();
      const notes = (input.notes ?? []).map((n) => ({
        id: randomUUID(),
        text: n.text,
        author: by,
        time: now,
        editedBy: null,
        editedAt: null,
      }));
      return save(randomUUID(), org, {
        ...content,
        notes,
        version: 1,
        createdBy: by,
        updatedBy: by,
      });
    },

    get: load,

    async list(org, page) {
      const docs = await store.listDocuments({ kind: CASE_KIND, org, ...page });
      return docs.map((d) => summarise(fromDocument(d)));
    },

    replace(org, id, by, input) {
      return withLock(id, async () => {
        const current = await load(org, id);
        if (!current) return null;
        if (current.version !== input.version) throw conflict(id, current.version, input.version);
        const content = contentOf(input);
        await checkTraces(org, content.traceIds, new Set(current.traceIds));
        const notes =
          input.notes === undefined
            ? current.notes
            : replaceNotes(current.notes, input.notes, by, new Date().toISOString());
        const next: CaseBody = {
          ...bodyOf(current),
          ...content,
          notes,
          version: current.version + 1,
          updatedBy: by,
        };
        // Checked before the claim: a version claimed and then refused would hold the case up.
        checkSize(next, maxStoredBytes);
        if (!(await claimChange(org, current)))
          throw conflict(id, (await load(org, id))?.version ?? null, input.version);
        return save(id, org, next);
      });
    },

    addNote(org, id, by, text) {
      return withLock(id, async () => {
        // Not based on a version the client saw: a change another server made meanwhile is read
        // again and the note added to it.
        for (let attempt = 1; ; attempt++) {
          const current = await load(org, id);
          if (!current) return null;
          const note: CaseNote = {
            id: randomUUID(),
            text,
            author: by,
            time: new Date().toISOString(),
            editedBy: null,
            editedAt: null,
          };
          // A note is a change: a replace based on the version before it must not drop it.
          const next: CaseBody = {
            ...bodyOf(current),
            notes: [...current.notes, note],
            version: current.version + 1,
            updatedBy: by,
          };
          checkSize(next, maxStoredBytes);
          if (await claimChange(org, current)) {
            const saved = await save(id, org, next);
            return { note, version: saved.version };
          }
          if (attempt >= CHANGE_ATTEMPTS) throw busy(id, CHANGE_ATTEMPTS);
          await delay(CHANGE_RETRY_DELAY_MS * attempt);
        }
      });
    },

    delete(org, id) {
      return withLock(id, async () => {
        let current = await load(org, id);
        // A deletion is a change too: one by another server meanwhile is not written over.
        for (let attempt = 1; current && !(await claimChange(org, current)); attempt++) {
          if (attempt >= CHANGE_ATTEMPTS) throw busy(id, CHANGE_ATTEMPTS);
          await delay(CHANGE_RETRY_DELAY_MS * attempt);
          current = await load(org, id);
        }
        if (!current) return null;
        await store.deleteDocument(CASE_KIND, id);
        // Its findings go with it: labels naming a case that no longer exists could be neither
        // listed nor unmarked, and would stay in the organisation's screening for good.
        if (await store.deleteDocument(CASE_FINDINGS_KIND, id))
          await forgetPrivateLabels(store, org);
        return summarise(current);
      });
    },
  };
}
