import { fileURLToPath } from 'node:url';
import {
  checkComments,
  checkMarkdown,
  checkRepository,
  checkText,
  commentsOf,
  markdownHeadings,
  Repository,
} from '../helpers/references.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('every path, link and anchor the documents and code comments name exists', () => {
  const problems = checkRepository(Repository.fromGit(ROOT)).map((p) => `${p.from}:${p.line} ${p.text} — ${p.problem}`);
  expect(problems).toEqual([]);
});

describe('the reference matcher', () => {
  // A small repository in memory: what exists, and the documents' text.
  const files: Record<string, string> = {
    'README.md': '# Passerelle\n\n## Where to read next\n\nSee [the broker](docs/broker.md#pairwise-subject).\n',
    'docs/broker.md': '# Broker (`auth/`)\n\n## Pairwise subject\n\n## Signing keys and rotation\n',
    'auth/broker.ts': '',
    'lib/web/render.ts': '',
  };
  class MemoryRepository extends Repository {
    constructor() {
      super('/nowhere', Object.keys(files));
    }
    override read(path: string): string {
      return files[path]!;
    }
  }
  const repo = new MemoryRepository();
  const named = (text: string) => checkText(repo, text, 'x.ts', 1).map((p) => p.text);

  test('finds paths that do not exist, in prose and code spans', () => {
    expect(named('see auth/broker.ts and `auth/brokers.ts`, lib/web/ and lib/webs/.')).toEqual([
      'auth/brokers.ts',
      'lib/webs/',
    ]);
    expect(named('(docs/exchange-log.md), recent months')).toEqual(['docs/exchange-log.md']);
    expect(named('the rules of DESIGN.md, README.md')).toEqual(['DESIGN.md']);
    expect(named('lib/audit/migrations/003')).toEqual(['lib/audit/migrations/003']);
  });

  test('checks anchors and quoted headings', () => {
    expect(named('docs/broker.md#pairwise-subject, docs/broker.md#pairwise')).toEqual(['docs/broker.md#pairwise']);
    expect(named('docs/broker.md "Pairwise subject", docs/broker.md, "signing keys"')).toEqual([]);
    expect(named('(README "Broker")')).toEqual(['README "Broker"']);
    expect(named('README "Pairwise\n * subject"')).toEqual(['README "Pairwise subject"']);
  });

  test("skips URLs, placeholders, globs, other paths' tails and line numbers", () => {
    expect(named('http://localhost:4000/lib/nothing.ts https://example.org/docs/x.md')).toEqual([]);
    expect(named('subgraphs/<name>/index.ts, auth/views/dashboard-*.eta, test/…, lib/{a,b}.ts')).toEqual([]);
    expect(named('@apollo/gateway, ../lib/nothing.ts, node_modules/oidc-provider/lib/x.js')).toEqual([]);
    expect(named('auth/broker.ts:42 and `gateway.audit.writeTimeoutMs`, test-output/screenshots/')).toEqual([]);
  });

  test('checks Markdown links relative to their file, and their anchors', () => {
    files['docs/links.md'] = [
      '# Links',
      '',
      '[ok](broker.md) [ok](broker.md#signing-keys-and-rotation) [ok](#links) [ok](../README.md#where-to-read-next)',
      '[missing](brokers.md) [bad anchor](broker.md#nothing) [web](https://example.org/x.md)',
      '',
      '```sh',
      'npx tsx auth/not-there.ts   # commands in code blocks are checked too',
      '```',
      '',
      '| file | what |',
      '|---|---|',
      '| `auth/missing.ts` | a table cell is checked |',
    ].join('\n');
    const local = new MemoryRepository();
    (local.files as Set<string>).add('docs/links.md');
    expect(checkMarkdown(local, 'docs/links.md').map((p) => `${p.line} ${p.text}`)).toEqual([
      '4 brokers.md',
      '4 broker.md#nothing',
      '7 auth/not-there.ts',
      '12 auth/missing.ts',
    ]);
  });

  test('reads comments only, not strings', () => {
    files['lib/example.ts'] = [
      "const route = '/assets/docs/README.md'; // see auth/gone.ts",
      '/**',
      ' * Uses lib/web/render.ts and lib/web/gone.ts.',
      ' */',
      "const s = 'auth/also-gone.ts';",
      'const re = /\\/\\/ auth\\/regex.ts/;',
    ].join('\n');
    expect(commentsOf('lib/example.ts', files['lib/example.ts']!).map((c) => c.line)).toEqual([1, 2]);
    expect(checkComments(repo, 'lib/example.ts').map((p) => p.text)).toEqual(['auth/gone.ts', 'lib/web/gone.ts']);
    expect(
      commentsOf('x.sql', "SELECT '--' AS a; -- see docs/x.md\n-- and lib/y.ts").map((c) => c.text.trim()),
    ).toEqual(['see docs/x.md', 'and lib/y.ts']);
  });

  test('computes headings the way GitHub anchors them', () => {
    const { slugs } = markdownHeadings(
      '# Audit trail (`lib/audit/`)\n## Matching rule (pivot identity → registry record)\n## Revocation\n## Revocation\n',
    );
    expect([...slugs]).toEqual([
      'audit-trail-libaudit',
      'matching-rule-pivot-identity--registry-record',
      'revocation',
      'revocation-1',
    ]);
  });
});
