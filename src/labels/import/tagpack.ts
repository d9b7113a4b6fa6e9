/**
 * GraphSense TagPacks (https://github.com/graphsense/graphsense-tagpacks, schema of
 * graphsense-tagpack-tool `conf/tagpack_schema.yaml`): a YAML header and a `tags` list. Every tag field
 * may sit in the header, which every tag inherits unless it sets the field itself; `header: !include
 * file.yaml` pulls header fields from a shared file (relative to the pack; as in tagpack-tool, the
 * included fields replace the pack's own). A tag's `actor` is resolved with the ActorPacks of the nearest
 * `actors/` folder (name, single jurisdiction as country, categories).
 *
 * What is skipped, counted and reported as a warning rather than failing the pack, because the public
 * packs contain it (graphsense-tagpacks @ 29ff93c8: 6 of about 26,000 tags have invalid addresses, and
 * many exchange packs list chains chaintrail has no codec for):
 * - tags on networks chaintrail cannot hold (LTC, XMR, BEP2, SOL, …, or a token currency without a
 *   network);
 * - addresses their chain's codec rejects (bad EIP-55 checksums, a Tron address tagged BTC, …), each
 *   listed with `file:line`;
 * - transaction tags (`tx_hash`, no address).
 * Everything else that is wrong (malformed YAML, no `tags` list, a tag without address or source, an
 * unknown confidence) fails the import with `file:line` before anything is written.
 *
 * chaintrail fields GraphSense has no place for (a category with no concept, country, sanctions list,
 * programs, validity) travel in the tag's `context` JSON under `chaintrail`, which the exporter writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Node, ScalarTag, YAMLSeq } from 'yaml';
import { UserError } from '../../errors/base.ts';
import { getAddressCodec } from '../../model/address.ts';
import type { Label } from '../../store/store.ts';
import {
  GRAPHSENSE_ABUSE_CATEGORIES,
  GRAPHSENSE_CATEGORIES,
  GRAPHSENSE_UNMAPPED_ABUSES,
  graphsenseChain,
  graphsenseConfidence,
} from '../graphsense.ts';
import type { LabelImporter, LabelImportOptions, LabelSource } from '../importer.ts';
import { type Category, parseCategory } from '../taxonomy.ts';
import { type Actor, type ActorIndex, findActorPackDir, readActorPacks } from './actorpack.ts';
import { readYamlFile } from './read-yaml.ts';
import { isCalendarDate } from './list-date.ts';

/** The `format` of label imports made by this importer. */
export const TAGPACK_FORMAT = 'tagpack';

/** Labels per batch handed to the store. */
const LABEL_BATCH_SIZE = 5_000;
/** Skipped tags listed by place in a warning; the rest are counted. */
const LISTED_PER_WARNING = 5;
/** `!include` nesting allowed (an include cycle would otherwise never end). */
const MAX_INCLUDE_DEPTH = 8;
/** Fields that describe the pack, not its tags, so tags do not inherit them. */
const PACK_ONLY_FIELDS = new Set(['title', 'creator', 'description', 'owner', 'is_public', 'tags']);
const DATE = /^\d{4}-\d{2}-\d{2}/;
const COUNTRY = /^[A-Z]{2}$/;

/** An `!include path` not yet read. */
class IncludeRef {
  constructor(readonly target: string) {}
}

const INCLUDE_TAG: ScalarTag = {
  tag: '!include',
  resolve: (value: string) => new IncludeRef(value),
};

type Fields = Record<string, unknown>;

/** What one import collects over all its packs. */
type Collector = {
  labels: Label[];
  titles: string[];
  dates: string[];
  unsupported: Map<string, number>;
  invalid: string[];
  txTags: number;
  unknownConcepts: Map<string, number>;
  unknownActors: Map<string, number>;
  actorsMissing: string[];
};

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const s = String(value).trim();
  return s === '' ? null : s;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Replaces every `!include` in `value` with the parsed file, read relative to `baseDir`. */
async function resolveIncludes(value: unknown, baseDir: string, chain: string[]): Promise<unknown> {
  if (value instanceof IncludeRef) {
    const target = path.resolve(baseDir, value.target);
    const from = chain[chain.length - 1]!;
    if (chain.includes(target) || chain.length > MAX_INCLUDE_DEPTH)
      throw new UserError(`${from}: !include ${value.target} includes itself`, {
        code: 'TAGPACK_BAD_INCLUDE',
      });
    if (!fs.existsSync(target))
      throw new UserError(`${from}: !include ${value.target}: no such file (${target})`, {
        code: 'TAGPACK_BAD_INCLUDE',
      });
    const included = await readYamlFile({
      file: target,
      customTags: [INCLUDE_TAG],
      code: 'TAGPACK_BAD_YAML',
    });
    return resolveIncludes(included.value, path.dirname(target), [...chain, target]);
  }
  if (Array.isArray(value))
    return Promise.all(value.map((v) => resolveIncludes(v, baseDir, chain)));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Fields = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveIncludes(v, baseDir, chain);
    return out;
  }
  return value;
}

/** chaintrail's own fields in a tag's `context` (JSON text or a mapping), if any. */
function chaintrailContext(context: unknown, where: string): Fields | null {
  let parsed: unknown = context;
  if (typeof context === 'string') {
    try {
      parsed = JSON.parse(context);
    } catch {
      return null; // free-text context: nothing of ours in it
    }
  }
  const own = (parsed as Fields | null)?.chaintrail;
  if (own === undefined) return null;
  if (!own || typeof own !== 'object' || Array.isArray(own))
    throw new UserError(`${where}: context "chaintrail" must be an object`, {
      code: 'TAGPACK_BAD_TAG',
    });
  return own as Fields;
}

function contextDate(ct: Fields, key: string, where: string): string | null {
  const value = text(ct[key]);
  if (value !== null && !isCalendarDate(value))
    throw new UserError(`${where}: context ${key} must be a date YYYY-MM-DD, got "${value}"`, {
      code: 'TAGPACK_BAD_TAG',
    });
  return value;
}

/** The category of a tag: an illicit abuse, else its category, else its actor's, else the option. */
function tagCategory(
  tag: Fields,
  actor: Actor | null,
  options: LabelImportOptions,
  collector: Collector,
  where: string,
): Category {
  const abuse = text(tag.abuse);
  if (abuse !== null) {
    const mapped = GRAPHSENSE_ABUSE_CATEGORIES[abuse.toLowerCase()];
    if (mapped) return mapped;
    if (!GRAPHSENSE_UNMAPPED_ABUSES.has(abuse.toLowerCase()))
      count(collector.unknownConcepts, abuse);
  }
  const concept = text(tag.category);
  if (concept !== null) {
    const mapped = GRAPHSENSE_CATEGORIES[concept.toLowerCase()];
    if (mapped) return mapped;
    count(collector.unknownConcepts, concept);
  }
  // An actor's first concept with a meaning beyond `other` (e.g. Binance: exchange).
  for (const c of actor?.categories ?? []) {
    const mapped = GRAPHSENSE_ABUSE_CATEGORIES[c] ?? GRAPHSENSE_CATEGORIES[c];
    if (mapped && mapped !== 'other') return mapped;
  }
  if (options.category !== undefined) return parseCategory(options.category, where);
  return 'other';
}

/** Reads one pack into `collector`; throws on anything that makes the pack unreadable. */
async function readPack(
  file: string,
  options: LabelImportOptions,
  collector: Collector,
  actorsFor: (packDir: string) => Promise<ActorIndex | null>,
): Promise<void> {
  const yaml = await readYamlFile({ file, customTags: [INCLUDE_TAG], code: 'TAGPACK_BAD_YAML' });
  if (!yaml.value || typeof yaml.value !== 'object' || Array.isArray(yaml.value))
    throw new UserError(`${file}: not a TagPack (expected a mapping with a "tags" list)`, {
      code: 'TAGPACK_BAD_YAML',
    });
  const pack = (await resolveIncludes(yaml.value, path.dirname(file), [
    path.resolve(file),
  ])) as Fields;
  const header = pack.header;
  if (header !== undefined) {
    if (!header || typeof header !== 'object' || Array.isArray(header))
      throw new UserError(
        `${file}: "header" must be a mapping (e.g. header: !include header.yaml)`,
        {
          code: 'TAGPACK_BAD_YAML',
        },
      );
    Object.assign(pack, header);
    delete pack.header;
  }
  const tags = pack.tags;
  const tagsNode = yaml.document.get('tags', true) as YAMLSeq<Node> | undefined;
  if (!Array.isArray(tags))
    throw new UserError(`${file}: not a TagPack (no "tags" list)`, { code: 'TAGPACK_BAD_YAML' });
  const inherited: Fields = {};
  for (const [k, v] of Object.entries(pack)) if (!PACK_ONLY_FIELDS.has(k)) inherited[k] = v;
  const title = text(pack.title);
  if (title) collector.titles.push(title);
  const lastmod = text(pack.lastmod);
  if (lastmod && DATE.test(lastmod) && isCalendarDate(lastmod.slice(0, 10)))
    collector.dates.push(lastmod.slice(0, 10));
  const actors = tags.some((t) => (t as Fields | null)?.actor ?? inherited.actor)
    ? await actorsFor(path.dirname(file))
    : null;

  for (let i = 0; i < tags.length; i++) {
    const own = tags[i] as unknown;
    const line = yaml.lineOf(tagsNode?.items?.[i]) ?? yaml.lineOf(tagsNode);
    const where = `${file}:${line ?? '?'}: tag ${i + 1}`;
    if (!own || typeof own !== 'object' || Array.isArray(own))
      throw new UserError(`${where}: a tag must be a mapping`, { code: 'TAGPACK_BAD_TAG' });
    const tag: Fields = { ...inherited, ...(own as Fields) };

    const rawAddress = text(tag.address);
    if (rawAddress === null) {
      if (text(tag.tx_hash) !== null) {
        collector.txTags++;
        continue;
      }
      throw new UserError(`${where}: no address`, { code: 'TAGPACK_BAD_TAG' });
    }
    const network = text(tag.network) ?? text(tag.currency);
    let chain: string | null;
    if (network !== null) chain = graphsenseChain(network);
    else if (options.chain !== undefined) chain = options.chain;
    else
      throw new UserError(`${where}: no network or currency (give the chain as an option)`, {
        code: 'TAGPACK_BAD_TAG',
      });
    if (chain === null) {
      count(collector.unsupported, network!.toUpperCase());
      continue;
    }
    const codec = getAddressCodec(chain);
    let address: string;
    try {
      address = codec.normalize(rawAddress);
    } catch (error) {
      collector.invalid.push(`${where}: ${(error as Error).message}`);
      continue;
    }

    const source = text(tag.source) ?? options.source ?? null;
    if (source === null)
      throw new UserError(`${where}: no source (every GraphSense tag needs one)`, {
        code: 'TAGPACK_BAD_TAG',
      });
    const confidenceText = text(tag.confidence);
    const confidence =
      confidenceText !== null
        ? graphsenseConfidence(confidenceText, where)
        : (options.confidence ?? null);

    const actorId = text(tag.actor);
    let actor: Actor | null = null;
    if (actorId !== null && actors) {
      actor = actors.get(actorId) ?? null;
      if (!actor) count(collector.unknownActors, actorId);
    }
    const ct = chaintrailContext(tag.context, where) ?? {};
    const category =
      ct.category !== undefined && ct.category !== null
        ? parseCategory(String(ct.category), `${where}: context`)
        : tagCategory(tag, actor, options, collector, where);
    const entity =
      'entity' in ct ? text(ct.entity) : (actor?.name ?? text(tag.label) ?? options.entity ?? null);
    const country = 'country' in ct ? text(ct.country) : (actor?.country ?? null);
    if (country !== null && !COUNTRY.test(country))
      throw new UserError(
        `${where}: country must be ISO 3166-1 alpha-2 (e.g. KP), got "${country}"`,
        {
          code: 'TAGPACK_BAD_TAG',
        },
      );
    const programs = Array.isArray(ct.programs) ? ct.programs.map((p) => String(p)) : [];
    collector.labels.push({
      chain,
      address,
      entity,
      category,
      actor: actor?.key ?? actorId ?? options.actor ?? null,
      country,
      source,
      confidence,
      sanctionList: text(ct.sanction_list),
      programs,
      validFrom: contextDate(ct, 'valid_from', where),
      validTo: contextDate(ct, 'valid_to', where),
    });
  }
}

/** Pack files of a folder: every `*.yaml` / `*.yml` below it but ActorPacks, shared headers and config. */
function packFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'actors' && !entry.name.startsWith('.')) walk(p);
      } else if (
        /\.ya?ml$/.test(entry.name) &&
        !entry.name.endsWith('.actorpack.yaml') &&
        !/^(header|config)\.ya?ml$/.test(entry.name)
      )
        out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function tagCount(n: number): string {
  return `${n} tag${n === 1 ? '' : 's'}`;
}

function listed(kind: string, places: string[]): string {
  const shown = places.slice(0, LISTED_PER_WARNING).join('; ');
  const more =
    places.length > LISTED_PER_WARNING ? `; and ${places.length - LISTED_PER_WARNING} more` : '';
  return `${tagCount(places.length)} ${kind}: ${shown}${more}`;
}

function tally(map: Map<string, number>): string {
  return [...map]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/**
 * Reads a GraphSense TagPack, or every pack of a folder (recursively; ActorPacks, `header.yaml` and
 * `config.yaml` excluded) as one list. The whole input is read and checked before `batches()` yields
 * anything, so a bad pack fails the import before a single label is written. The list is named after the
 * pack's title (a folder: the folder's name) and dated by its `lastmod` (a folder: the newest).
 *
 * @example
 * const source = await importTagpack('graphsense-tagpacks/packs/lazarus.yaml', {});
 * source.listName; // 'OFAC Tagpack'
 * for await (const batch of source.batches()) await writer.addLabels(batch);
 */
export const importTagpack: LabelImporter = async (
  inputPath: string,
  options: LabelImportOptions,
): Promise<LabelSource> => {
  if (!fs.existsSync(inputPath))
    throw new UserError(`${inputPath}: no such file or folder`, { code: 'TAGPACK_NOT_FOUND' });
  const isDir = fs.statSync(inputPath).isDirectory();
  const files = isDir ? packFiles(inputPath) : [inputPath];
  if (files.length === 0)
    throw new UserError(`${inputPath}: no TagPack (*.yaml) in this folder`, {
      code: 'TAGPACK_NOT_FOUND',
    });
  const collector: Collector = {
    labels: [],
    titles: [],
    dates: [],
    unsupported: new Map(),
    invalid: [],
    txTags: 0,
    unknownConcepts: new Map(),
    unknownActors: new Map(),
    actorsMissing: [],
  };
  const actorIndexes = new Map<string, ActorIndex | null>();
  const actorsFor = async (packDir: string): Promise<ActorIndex | null> => {
    const dir = findActorPackDir(packDir);
    if (dir === null) {
      if (!collector.actorsMissing.includes(packDir)) collector.actorsMissing.push(packDir);
      return null;
    }
    if (!actorIndexes.has(dir)) actorIndexes.set(dir, await readActorPacks(dir));
    return actorIndexes.get(dir)!;
  };
  for (const file of files) await readPack(file, options, collector, actorsFor);

  const warnings: string[] = [];
  if (collector.invalid.length > 0)
    warnings.push(`skipped ${listed('with an invalid address', collector.invalid)}`);
  if (collector.unsupported.size > 0) {
    const n = [...collector.unsupported.values()].reduce((a, b) => a + b, 0);
    warnings.push(
      `skipped ${tagCount(n)} on networks chaintrail cannot hold (${tally(collector.unsupported)})`,
    );
  }
  if (collector.txTags > 0)
    warnings.push(`skipped ${tagCount(collector.txTags)} on transactions (tx_hash, no address)`);
  if (collector.unknownConcepts.size > 0)
    warnings.push(
      `unknown GraphSense concepts, read as the next known field or "other": ${tally(collector.unknownConcepts)}`,
    );
  if (collector.unknownActors.size > 0)
    warnings.push(`actors not in the ActorPacks, kept as given: ${tally(collector.unknownActors)}`);
  if (collector.actorsMissing.length > 0)
    warnings.push(
      `no actors/*.actorpack.yaml near ${collector.actorsMissing.join(', ')}: actor ids kept as given, no names or countries`,
    );

  const labels = collector.labels;
  return {
    format: TAGPACK_FORMAT,
    listName:
      isDir || collector.titles.length !== 1
        ? path.basename(path.resolve(inputPath))
        : collector.titles[0]!,
    listDate: collector.dates.length > 0 ? collector.dates.sort().at(-1)! : null,
    closes: null,
    warnings,
    async *batches() {
      for (let i = 0; i < labels.length; i += LABEL_BATCH_SIZE)
        yield labels.slice(i, i + LABEL_BATCH_SIZE);
    },
  };
};
