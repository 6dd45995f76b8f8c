import type { ComponentCatalog } from './define.ts';

/** Renders `docs/errors.md` from the catalogs: one table per component. */
export function renderErrorsDocument(catalogs: readonly ComponentCatalog[]): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from the error catalogs by `npm run errors:doc`; do not edit by hand. -->',
    '',
    'Every error Passerelle returns carries one of these stable codes: in JSON bodies as',
    '`{ "error": "<CODE>", "message": "…" }`, in GraphQL errors as `extensions.code`, and on',
    'the pages citizens see as "code erreur". Messages are given in French and English.',
    '',
  ];
  for (const catalog of catalogs) {
    lines.push(`## ${catalog.component}`, '', '| code | HTTP | message (fr) | meaning |', '|---|---|---|---|');
    for (const [code, def] of Object.entries(catalog.errors)) {
      lines.push(`| \`${code}\` | ${def.status} | ${escape(def.message.fr)} | ${escape(def.description)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Codes declared by more than one catalog. */
export function duplicateCodes(catalogs: readonly ComponentCatalog[]): string[] {
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const catalog of catalogs) {
    for (const code of Object.keys(catalog.errors)) {
      const owner = seen.get(code);
      if (owner) duplicates.push(`${code} (${owner}, ${catalog.component})`);
      seen.set(code, catalog.component);
    }
  }
  return duplicates;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
