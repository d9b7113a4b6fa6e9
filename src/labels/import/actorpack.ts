import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/base.ts';
import { readYamlFile } from './read-yaml.ts';

/** One actor of a GraphSense ActorPack, as chaintrail uses it. */
export type Actor = {
  /** The pack's id, e.g. `lazarusgroup`. */
  id: string;
  /** chaintrail's actor key: the actor's name as a slug, e.g. `lazarus-group`. */
  key: string;
  /** The actor's name, e.g. `Lazarus Group`. */
  name: string;
  /** ISO 3166-1 alpha-2 country when the actor has exactly one jurisdiction, else null. */
  country: string | null;
  /** GraphSense concepts of the actor, e.g. `['exchange']`. */
  categories: string[];
};

/** Actors by id and alias. */
export type ActorIndex = ReadonlyMap<string, Actor>;

/** How many folders up from a pack the `actors/` folder is looked for (GraphSense: `packs/` beside `actors/`). */
const ACTOR_DIR_SEARCH_LEVELS = 3;
const ACTOR_PACK_SUFFIX = '.actorpack.yaml';
const COUNTRY = /^[A-Z]{2}$/;

/**
 * The `actors/` folder holding ActorPacks for a pack in `packDir`: the nearest one in `packDir` or up
 * to three folders above it, or null.
 *
 * @example
 * findActorPackDir('graphsense-tagpacks/packs'); // 'graphsense-tagpacks/actors'
 */
export function findActorPackDir(packDir: string): string | null {
  let dir = path.resolve(packDir);
  for (let level = 0; level <= ACTOR_DIR_SEARCH_LEVELS; level++) {
    const candidate = path.join(dir, 'actors');
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) {
      if (fs.readdirSync(candidate).some((f) => f.endsWith(ACTOR_PACK_SUFFIX))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * chaintrail's actor key for a name: lowercase words joined by `-`, so GraphSense's `lazarusgroup`
 * ("Lazarus Group") and an FBI list's actor meet as `lazarus-group`.
 *
 * @example
 * actorKey('Lazarus Group'); // 'lazarus-group'
 */
export function actorKey(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v) => v !== null).map((v) => String(v)) : [];
}

// Parsing GraphSense's 1.5 MB ActorPack takes about 0.8 s; a folder import reads it once per pack.
const cache = new Map<string, { stamp: string; actors: Map<string, Actor> }>();

async function readActorPack(file: string): Promise<Map<string, Actor>> {
  const stat = fs.statSync(file);
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.actors;
  const yaml = await readYamlFile({ file, code: 'ACTORPACK_BAD_YAML' });
  const actors = (yaml.value as { actors?: unknown } | null)?.actors;
  if (!Array.isArray(actors))
    throw new UserError(`${file}: not an ActorPack (no "actors" list)`, {
      code: 'ACTORPACK_BAD_YAML',
    });
  const byId = new Map<string, Actor>();
  for (const raw of actors as Record<string, unknown>[]) {
    if (raw?.id === undefined || raw.id === null) continue;
    const id = String(raw.id);
    const name = raw.label === undefined || raw.label === null ? id : String(raw.label);
    const jurisdictions = asStrings(raw.jurisdictions).map((j) => j.trim().toUpperCase());
    const only = jurisdictions.length === 1 ? jurisdictions[0]! : null;
    const actor: Actor = {
      id,
      key: actorKey(name) || id,
      name,
      country: only && COUNTRY.test(only) ? only : null,
      categories: asStrings(raw.categories),
    };
    byId.set(id, actor);
    for (const alias of asStrings(raw.aliases)) if (!byId.has(alias)) byId.set(alias, actor);
  }
  cache.set(file, { stamp, actors: byId });
  return byId;
}

/**
 * Every actor of the `*.actorpack.yaml` files in `dir`, by id and alias (the first pack, in name
 * order, wins on a clash). A malformed ActorPack throws a UserError naming `file:line`.
 *
 * @example
 * const actors = await readActorPacks('graphsense-tagpacks/actors');
 * actors.get('lazarusgroup')?.name; // 'Lazarus Group'
 */
export async function readActorPacks(dir: string): Promise<ActorIndex> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ACTOR_PACK_SUFFIX))
    .sort();
  const index = new Map<string, Actor>();
  for (const f of files) {
    for (const [id, actor] of await readActorPack(path.join(dir, f)))
      if (!index.has(id)) index.set(id, actor);
  }
  return index;
}
