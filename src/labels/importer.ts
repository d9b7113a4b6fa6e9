import type { Label } from '../store/store.ts';

/**
 * Options every label importer understands: constants for what the file does not say, and a column
 * mapping for tabular files. Importers ignore what does not apply to them.
 */
export type LabelImportOptions = {
  /** Chain key for addresses whose file gives no chain (e.g. `ethereum`). */
  chain?: string | undefined;
  category?: string | undefined;
  entity?: string | undefined;
  actor?: string | undefined;
  /** URL or document reference of the list. */
  source?: string | undefined;
  confidence?: number | undefined;
  /** The list's date (`YYYY-MM-DD`) when the file does not carry one. */
  listDate?: string | undefined;
  /** Column mapping of tabular formats: field -> column name, e.g. `{ address: 'addr' }`. */
  map?: Record<string, string> | undefined;
  /** Called as the file is read: bytes read so far and the file's size (for progress bars). */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
};

/**
 * A parsed label list, read lazily: `batches()` streams labels so a large list never sits in memory
 * whole. A bad record throws a UserError naming the file and the line or element.
 */
export type LabelSource = {
  /** Importer name, e.g. `ofac-xml`. */
  format: string;
  /** The list's own name, e.g. `OFAC SDN`. */
  listName: string | null;
  /** The list's publication date (`YYYY-MM-DD`). */
  listDate: string | null;
  /**
   * For a complete official sanctions list: the `sanctionList` whose open labels this import closes
   * when the list no longer has them (delisting). Null for partial lists and attributions.
   */
  closes: string | null;
  batches(): AsyncIterable<Label[]>;
  /** Caveats to show the user (e.g. SDN.CSV truncates long remarks). */
  warnings: string[];
};

/**
 * Reads one file (or folder) of a label format.
 *
 * @example
 * const source = await importOfacXml('sdn_advanced.xml.bz2', {});
 * for await (const batch of source.batches()) console.log(batch.length);
 */
export type LabelImporter = (path: string, options: LabelImportOptions) => Promise<LabelSource>;
