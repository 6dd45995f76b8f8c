import { readFileSync } from 'node:fs';
import { ERRORS_DOC } from '../../bin/commands/errors.ts';
import { ERROR_CATALOGS } from '../../bin/error-catalogs.ts';
import { duplicateCodes, renderErrorsDocument } from '../../lib/errors/document.ts';

describe('the error catalogue', () => {
  test('no code is declared twice', async () => {
    expect(duplicateCodes(ERROR_CATALOGS)).toEqual([]);
  });

  test('docs/errors.md is generated from the catalogs (run `npm run errors:doc` after changing one)', async () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDocument(ERROR_CATALOGS));
  });
});
