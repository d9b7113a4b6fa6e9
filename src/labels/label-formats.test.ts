import { describe, expect, it } from 'vitest';
import { IMPORTERS } from './import-labels.ts';
import { LABEL_IMPORT_FORMATS } from './label-formats.ts';

describe('LABEL_IMPORT_FORMATS', () => {
  it('are the names of the importers, in their order', () => {
    expect(LABEL_IMPORT_FORMATS).toEqual(Object.keys(IMPORTERS));
  });
});
