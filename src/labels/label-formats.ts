/**
 * The names of the label formats `chaintrail labels import <format>` reads, in the order help lists
 * them: the keys of IMPORTERS (./import-labels.ts), kept apart from the importers, which load the
 * XML, CSV and bzip2 readers, so that `chaintrail labels import --help` names them without loading
 * those.
 */
export const LABEL_IMPORT_FORMATS = [
  'ofac-xml',
  'ofac-csv',
  'ofac-lists',
  'csv',
  'json',
  'tagpack',
] as const;
/** A label format's name. */
export type LabelImportFormat = (typeof LABEL_IMPORT_FORMATS)[number];
