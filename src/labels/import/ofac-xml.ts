import path from 'node:path';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { BaseError, UserError } from '../../errors/base.ts';
import type { Label } from '../../store/store.ts';
import type { LabelImportOptions, LabelSource } from '../importer.ts';
import { CONFIDENCE } from '../taxonomy.ts';
import {
  OFAC_ADDRESS_FEATURE_PREFIX,
  OFAC_SANCTIONS_LIST_URL,
  OFAC_SDN_LIST,
  resolveOfacAddress,
} from './ofac-assets.ts';
import { assertInput, readText } from './read-input.ts';

/** Labels handed to the store per `addLabels` call. */
const LABELS_PER_BATCH = 1000;
/** The root element of OFAC's ADVANCED_XML schema. */
const ROOT_ELEMENT = 'Sanctions';
/** Names OFAC gives, in its reference value sets, to the list and sanctions type that matter here. */
const SDN_LIST_NAME = 'SDN List';
const PROGRAM_SANCTIONS_TYPE = 'Program';
/** The header (DateOfIssue) sits in the first kilobyte; a small read avoids unpacking much more. */
const HEADER_CHUNK_BYTES = 16 * 1024;

/**
 * The source of a label from one SDN profile: the Sanctions List Service and the profile id (the
 * `FixedRef` OFAC also shows as the entry's id).
 *
 * @example
 * ofacProfileSource('27307'); // 'https://sanctionslist.ofac.treas.gov/#profile-27307'
 */
export function ofacProfileSource(profileId: string): string {
  return `${OFAC_SANCTIONS_LIST_URL}#profile-${profileId}`;
}

/** A `Digital Currency Address - <ASSET>` feature of a profile, as read. */
type AddressFeature = { asset: string; address: string; featureId: string; line: number };

type Profile = {
  id: string;
  /** The primary name: the first DocumentedName of the primary alias of the primary identity. */
  name: string | null;
  features: AddressFeature[];
  programs: Set<string>;
  onSdnList: boolean;
};

/** What one pass over the file found. */
type ScanResult = {
  listDate: string | null;
  /** Profiles with at least one address feature, in file order. */
  profiles: Map<string, Profile>;
  addressFeatureTypes: number;
};

/**
 * Characters the parser may hold for one text node or tag: OFAC's longest are a few hundred; a node
 * without an end is refused once this much of it (plus one read chunk) is held.
 */
const MAX_XML_NODE_CHARS = 4 * 1024 * 1024;

/**
 * A SAX pass over an ADVANCED_XML file keeping only what labels need, so memory grows with the number
 * of digital-currency addresses (hundreds), not with the file (121 MB unpacked in November 2025).
 * Reference values (feature types, lists, sanctions types) come first in the schema's order, then
 * the profiles, then the sanctions entries with their programs.
 */
function createScanner(fileName: string, stopAfterHeader: boolean) {
  const parser = new SaxesParser<{ xmlns: false; fileName: string; position: true }>({
    xmlns: false,
    fileName,
    position: true,
  });
  const result: ScanResult = { listDate: null, profiles: new Map(), addressFeatureTypes: 0 };
  const stack: string[] = [];
  const featureTypes = new Map<string, string>(); // ID -> asset code, address types only
  const sdnListIds = new Set<string>();
  const programTypeIds = new Set<string>();
  const date: Record<string, string> = {};
  let capture: string | null = null;
  let refId = '';
  let profile: Profile | null = null;
  let primaryIdentity = false;
  let primaryAlias = false;
  let nameParts: string[] | null = null;
  let feature: AddressFeature | null = null;
  let entry: Profile | null = null;
  let programMeasure = false;
  let headerDone = false;
  let sawFeatureTypes = false;

  const fail = (message: string): never => {
    throw new UserError(`${fileName}:${parser.line}:${parser.column + 1}: ${message}`, {
      code: 'OFAC_XML_INVALID',
      details: 'Nothing was imported.',
    });
  };
  // Parser events so far, and characters written since a write that saw one (see `write`).
  let events = 0;
  let quiet = 0;

  parser.on('opentag', (tag: SaxesTagPlain) => {
    events++;
    const parent = stack[stack.length - 1];
    const name = tag.name;
    const attr = tag.attributes;
    if (parent === undefined && name !== ROOT_ELEMENT) {
      fail(
        `not an OFAC sdn_advanced.xml file (root element <${name}>, expected <${ROOT_ELEMENT}>)`,
      );
    }
    stack.push(name);
    switch (name) {
      case 'Year':
      case 'Month':
      case 'Day':
        if (parent === 'DateOfIssue') capture = '';
        break;
      case 'FeatureType':
      case 'List':
      case 'SanctionsType':
        if (parent === `${name}Values`) {
          refId = attr.ID ?? '';
          capture = '';
        }
        break;
      case 'Profile':
        if (parent === 'DistinctParty') {
          const id = attr.ID ?? fail('<Profile> without ID');
          profile = { id, name: null, features: [], programs: new Set(), onSdnList: false };
        }
        break;
      case 'Identity':
        primaryIdentity = attr.Primary === 'true';
        break;
      case 'Alias':
        primaryAlias = primaryIdentity && attr.Primary === 'true';
        break;
      case 'DocumentedName':
        if (profile && primaryAlias && profile.name === null && nameParts === null) nameParts = [];
        break;
      case 'NamePartValue':
        if (nameParts) capture = '';
        break;
      case 'Feature': {
        if (!profile) break;
        if (!sawFeatureTypes) fail('<Feature> before the <FeatureTypeValues> reference values');
        const asset = featureTypes.get(attr.FeatureTypeID ?? '');
        if (asset !== undefined)
          feature = { asset, address: '', featureId: attr.ID ?? '?', line: parser.line };
        break;
      }
      case 'VersionDetail':
        if (feature) capture = '';
        break;
      case 'SanctionsEntry': {
        const p = result.profiles.get(attr.ProfileID ?? '');
        if (p && sdnListIds.has(attr.ListID ?? '')) {
          entry = p;
          p.onSdnList = true;
        }
        break;
      }
      case 'SanctionsMeasure':
        programMeasure = entry !== null && programTypeIds.has(attr.SanctionsTypeID ?? '');
        break;
      case 'Comment':
        if (programMeasure && parent === 'SanctionsMeasure') capture = '';
        break;
    }
  });

  const onText = (text: string) => {
    events++;
    if (capture !== null) capture += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', (tag: SaxesTagPlain) => {
    events++;
    const name = tag.name;
    stack.pop();
    const text = capture === null ? null : detach(capture.trim());
    capture = null;
    switch (name) {
      case 'Year':
      case 'Month':
      case 'Day':
        if (text !== null) date[name] = text;
        break;
      case 'DateOfIssue': {
        const { Year: y, Month: m, Day: d } = date;
        if (!y || !m || !d || !/^\d{4}$/.test(y) || !/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d))
          fail('<DateOfIssue> without a valid Year, Month and Day');
        result.listDate = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
        headerDone = true;
        break;
      }
      case 'FeatureType':
        sawFeatureTypes = true;
        if (text?.startsWith(OFAC_ADDRESS_FEATURE_PREFIX)) {
          featureTypes.set(refId, text.slice(OFAC_ADDRESS_FEATURE_PREFIX.length).trim());
          result.addressFeatureTypes++;
        }
        break;
      case 'List':
        if (text === SDN_LIST_NAME) sdnListIds.add(refId);
        break;
      case 'SanctionsType':
        if (text === PROGRAM_SANCTIONS_TYPE) programTypeIds.add(refId);
        break;
      case 'NamePartValue':
        if (nameParts && text) nameParts.push(text);
        break;
      case 'DocumentedName':
        if (profile && nameParts) {
          profile.name = nameParts.length > 0 ? nameParts.join(' ') : null;
          nameParts = null;
        }
        break;
      case 'Identity':
        primaryIdentity = false;
        break;
      case 'Alias':
        primaryAlias = false;
        break;
      case 'VersionDetail':
        if (feature && text !== null) feature.address = text;
        break;
      case 'Feature':
        if (feature && profile) {
          if (!feature.address)
            fail(`address feature ${feature.featureId} has no <VersionDetail> value`);
          profile.features.push(feature);
        }
        feature = null;
        break;
      case 'Profile':
        if (profile && profile.features.length > 0) result.profiles.set(profile.id, profile);
        profile = null;
        break;
      case 'Comment':
        if (programMeasure && entry && text) entry.programs.add(text);
        break;
      case 'SanctionsMeasure':
        programMeasure = false;
        break;
      case 'SanctionsEntry':
        entry = null;
        break;
    }
  });

  return {
    result,
    /** True once the header (DateOfIssue) is read, when only the header was asked for. */
    get done() {
      return stopAfterHeader && headerDone;
    },
    write(text: string) {
      const before = events;
      try {
        parser.write(text);
      } catch (error) {
        throw asXmlError(error);
      }
      // The parser holds a text node (or a tag) whole until its end: one without an end would
      // grow without bound (a 22 KB .bz2 unpacking to a 600 MB text node reached 3.6 GB).
      quiet = events === before ? quiet + text.length : 0;
      if (quiet > MAX_XML_NODE_CHARS)
        fail(
          `a text node or tag longer than ${MAX_XML_NODE_CHARS.toLocaleString('en-US')} characters (the list's longest is a few hundred)`,
        );
    },
    close() {
      try {
        parser.close();
      } catch (error) {
        throw asXmlError(error);
      }
      if (result.listDate === null) fail('no <DateOfIssue>: not an OFAC sdn_advanced.xml file');
      if (result.addressFeatureTypes === 0)
        fail('no "Digital Currency Address" feature types in <FeatureTypeValues>');
    },
  };
}

/**
 * A copy of `text` that does not share memory with the chunk it was cut from. V8 represents a short
 * slice of a long string as a view on it, so keeping one address from each 1 MiB chunk kept every
 * chunk alive: heap use grew by about 1 MB per profile kept until this copy was made.
 */
function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** saxes reports `file:line:column: message`; keep the place first and make it a UserError. */
function asXmlError(error: unknown): unknown {
  if (error instanceof BaseError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const m = /^(.*:\d+:\d+): (.*)$/s.exec(text);
  const [where, message] = m ? [m[1]!, m[2]!] : [null, text];
  return new UserError(`${where ? `${where}: ` : ''}malformed XML: ${message}`, {
    code: 'OFAC_XML_INVALID',
    details: 'Nothing was imported.',
    cause: error,
  });
}

async function scan(
  file: string,
  display: string,
  stopAfterHeader: boolean,
  onProgress?: LabelImportOptions['onProgress'],
): Promise<ScanResult> {
  const scanner = createScanner(display, stopAfterHeader);
  const chunkBytes = stopAfterHeader ? HEADER_CHUNK_BYTES : undefined;
  for await (const text of readText({ path: file, onProgress, chunkBytes })) {
    scanner.write(text);
    if (scanner.done) return scanner.result;
  }
  scanner.close();
  return scanner.result;
}

/**
 * Reads OFAC's official `sdn_advanced.xml` (ADVANCED_XML schema), plain or `.bz2`, streaming.
 *
 * Every `Digital Currency Address - <ASSET>` feature of every profile becomes a `sanctioned` label on
 * the asset's chain (see {@link resolveOfacAddress}) with the profile's primary name as entity, its
 * SDN programs (the `Program` measures of its SDN list entries), list `OFAC SDN`, confidence
 * `authority_data` and the list's `DateOfIssue` as list date. validFrom stays empty: the file dates
 * the designation of the entity, not the listing of each address. The list is complete, so importing
 * it closes labels of addresses no longer on it (`closes`).
 *
 * A malformed file (truncated, bad nesting, not ADVANCED_XML) throws a UserError with file, line and
 * column before any label is produced: the labels are emitted only once the whole file has parsed.
 *
 * @example
 * const source = await importOfacXml('sdn_advanced.xml.bz2', {});
 * source.listDate; // '2025-11-19'
 * for await (const batch of source.batches()) await writer.addLabels(batch);
 */
export async function importOfacXml(
  file: string,
  options: LabelImportOptions,
): Promise<LabelSource> {
  assertInput(file);
  const display = path.relative(process.cwd(), file) || file;
  const header = await scan(file, display, true);
  const warnings: string[] = [];
  return {
    format: 'ofac-xml',
    listName: OFAC_SDN_LIST,
    listDate: header.listDate,
    closes: OFAC_SDN_LIST,
    warnings,
    async *batches() {
      const { profiles } = await scan(file, display, false, options.onProgress);
      let batch: Label[] = [];
      for (const p of profiles.values()) {
        if (p.name === null) warnings.push(`profile ${p.id} has no primary name`);
        if (!p.onSdnList)
          warnings.push(`profile ${p.id} (${p.name ?? 'no name'}) has no SDN list entry`);
        const programs = [...p.programs].sort();
        for (const f of p.features) {
          const resolved = resolveOfacAddress(f.asset, f.address);
          if (resolved.chain === null) {
            warnings.push(
              `${display}:${f.line}: feature ${f.featureId} of profile ${p.id} skipped: ${resolved.reason}`,
            );
            continue;
          }
          if (resolved.warning)
            warnings.push(
              `${display}:${f.line}: profile ${p.id} (${p.name ?? 'no name'}): ${resolved.warning}`,
            );
          batch.push({
            chain: resolved.chain,
            address: resolved.address,
            entity: p.name,
            category: 'sanctioned',
            source: ofacProfileSource(p.id),
            confidence: options.confidence ?? CONFIDENCE.authority_data,
            sanctionList: OFAC_SDN_LIST,
            programs,
            validFrom: null,
            validTo: null,
          });
          if (batch.length >= LABELS_PER_BATCH) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
