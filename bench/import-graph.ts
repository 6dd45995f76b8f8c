import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * How many repository files a request crosses, by static import graph: from entry files,
 * every relative `import`, `export … from`, `import type` and literal `import('…')`, read
 * with the TypeScript parser, resolved to files of the repository (node_modules excluded).
 * Modules loaded by a computed path are not followed (a provider's `index.ts`, loaded by
 * lib/subgraph/provider.ts from its folder): name them as entries.
 *
 *   npx tsx bench/import-graph.ts                      # the parking request (below)
 *   npx tsx bench/import-graph.ts --list               # … and every file, by folder
 *   npx tsx bench/import-graph.ts auth/broker.ts …     # from other entries
 *
 * `--runtime` leaves out type-only imports (`import type`, `export type`, imports whose
 * every name is `type`): they vanish at run time.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A parking request's entry points: the SP, the broker, the gateway, the subgraph runtime and the three providers it calls. */
export const PARKING_REQUEST_ENTRIES = [
  'sandbox/parking/index.ts',
  'auth/broker.ts',
  'gateway/index.ts',
  'lib/subgraph/start.ts',
  'subgraphs/dgfip/index.ts',
  'subgraphs/ants/index.ts',
  'subgraphs/cnaf/index.ts',
];

/** The relative module specifiers of a file, type-only ones left out when `runtimeOnly`. */
export function importsOf(source: string, fileName: string, runtimeOnly: boolean): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!(runtimeOnly && typeOnly)) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!(runtimeOnly && node.isTypeOnly)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Every repository file reachable from `entries` (paths relative to the root), sorted. */
export function importGraph(entries: readonly string[], runtimeOnly = false): string[] {
  const seen = new Set<string>();
  const stack = entries.map((e) => resolve(ROOT, e));
  for (const entry of stack) if (!existsSync(entry)) throw new Error(`entry ${relative(ROOT, entry)} does not exist`);
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    for (const specifier of importsOf(readFileSync(file, 'utf8'), file, runtimeOnly)) {
      const target = resolve(dirname(file), specifier);
      if (target.includes('/node_modules/')) continue;
      if (!existsSync(target)) throw new Error(`${relative(ROOT, file)} imports ${specifier}, which does not exist`);
      stack.push(target);
    }
  }
  return [...seen].map((f) => relative(ROOT, f)).sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const list = args.includes('--list');
  const runtimeOnly = args.includes('--runtime');
  const named = args.filter((a) => !a.startsWith('--'));
  const entries = named.length ? named : PARKING_REQUEST_ENTRIES;
  const files = importGraph(entries, runtimeOnly);
  const byFolder = new Map<string, number>();
  for (const f of files) byFolder.set(dirname(f), (byFolder.get(dirname(f)) ?? 0) + 1);
  console.log(`entries: ${entries.join(', ')}${runtimeOnly ? ' (type-only imports left out)' : ''}`);
  console.log(`${files.length} repository files`);
  for (const [folder, n] of [...byFolder].sort()) console.log(`  ${folder}: ${n}`);
  if (list) for (const f of files) console.log(f);
}
