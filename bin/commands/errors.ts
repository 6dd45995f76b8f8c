import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGS } from '../error-catalogs.ts';
import { duplicateCodes, renderErrorsDocument } from '../../lib/errors/document.ts';

export const ERRORS_DOC = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

/** `passerelle errors`: regenerates docs/errors.md from every component's catalog. */
export async function run(): Promise<number> {
  const catalogs = ERROR_CATALOGS;
  const duplicates = duplicateCodes(catalogs);
  if (duplicates.length) {
    console.error(`error codes declared twice: ${duplicates.join(', ')}`);
    return 1;
  }
  writeFileSync(ERRORS_DOC, renderErrorsDocument(catalogs));
  console.log(`wrote ${ERRORS_DOC} (${catalogs.reduce((n, c) => n + Object.keys(c.errors).length, 0)} codes)`);
  return 0;
}
