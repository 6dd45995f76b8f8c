import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, posix } from 'node:path';
import GithubSlugger from 'github-slugger';
import { marked, type Token, type Tokens } from 'marked';
import ts from 'typescript';

/**
 * Finds every repository path, Markdown link and `#anchor` that a document or a code
 * comment names, and says which do not resolve. What counts as a path, so that the check
 * is strict without false positives:
 * - a word starting with one of the repository's top-level folders and a slash
 *   (`auth/broker.ts`, `docs/tokens.md#revocation`, `lib/web/`), in Markdown prose, code
 *   spans and code blocks, and in code comments — not inside URLs, not as the tail of
 *   another path (`@apollo/gateway`, `../lib/x.ts`);
 * - a root document name in capitals, like `README.md`;
 * - a Markdown link or image target, relative to the Markdown file (schemes skipped);
 * - a quoted heading after a document name (`docs/tokens.md, "Revocation"`,
 *   `docs/broker.md "Pairwise subject"`): that document must have a heading containing it.
 * Placeholders and globs (`subgraphs/<name>/`, `auth/views/dashboard-*.eta`, `test/…`) are
 * skipped; `:12` line suffixes are ignored.
 */

export const TOP_LEVEL = [
  'auth',
  'gateway',
  'subgraphs',
  'schema',
  'lib',
  'sandbox',
  'bin',
  'bench',
  'test',
  'docs',
  '.ci',
] as const;

export interface Reference {
  /** The file that names it, relative to the repository root. */
  from: string;
  line: number;
  /** What was written. */
  text: string;
  kind: 'path' | 'link' | 'anchor' | 'heading';
  problem: string;
}

/** The repository as the check sees it: its files (tracked or not ignored) and their headings. */
export class Repository {
  readonly files: ReadonlySet<string>;
  readonly dirs: ReadonlySet<string>;
  private readonly anchors = new Map<string, { slugs: Set<string>; titles: string[] }>();

  constructor(
    readonly root: string,
    files: readonly string[],
  ) {
    this.files = new Set(files);
    const dirs = new Set<string>();
    for (const file of files) {
      for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) dirs.add(dir);
    }
    this.dirs = dirs;
  }

  static fromGit(root: string): Repository {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: root,
      encoding: 'utf8',
    });
    const listed = out.split('\0').filter(Boolean);
    // A file deleted in the working tree but still in the index does not count.
    return new Repository(
      root,
      listed.filter((file) => {
        try {
          readFileSync(join(root, file));
          return true;
        } catch {
          return false;
        }
      }),
    );
  }

  exists(path: string): boolean {
    const clean = path.replace(/\/+$/, '');
    if (path.endsWith('/')) return this.dirs.has(clean);
    return this.files.has(clean) || this.dirs.has(clean);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  /** GitHub's anchors of a Markdown file's headings, and their plain titles. */
  headings(path: string): { slugs: Set<string>; titles: string[] } {
    let found = this.anchors.get(path);
    if (!found) {
      found = markdownHeadings(this.read(path));
      this.anchors.set(path, found);
    }
    return found;
  }
}

export function markdownHeadings(markdown: string): { slugs: Set<string>; titles: string[] } {
  const slugger = new GithubSlugger();
  const slugs = new Set<string>();
  const titles: string[] = [];
  marked.walkTokens(marked.lexer(markdown), (token) => {
    if (token.type === 'heading') {
      const title = plainText(token as Tokens.Heading);
      titles.push(title);
      slugs.add(slugger.slug(title));
    }
    if (token.type === 'html') {
      for (const match of token.raw.matchAll(/\s(?:id|name)="([^"]+)"/g)) slugs.add(match[1]!);
    }
  });
  return { slugs, titles };
}

/** A heading's text as GitHub renders it: code spans and emphasis without their marks. */
function plainText(token: { tokens?: Token[]; text?: string }): string {
  if (!token.tokens?.length) return (token as { text?: string }).text ?? '';
  return token.tokens
    .map((t) =>
      t.type === 'codespan' ? (t as Tokens.Codespan).text : plainText(t as { tokens?: Token[]; text?: string }),
    )
    .join('');
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"'`)\]]*/gi;
const PATH_PATTERN = new RegExp(
  String.raw`(?<![\w@./~-])((?:${TOP_LEVEL.map((d) => d.replace('.', '\\.')).join('|')})/[^\s\`'"()\[\],;|]*)`,
  'g',
);
const ROOT_DOC_PATTERN = /(?<![\w@./~-])([A-Z][A-Z0-9_-]*\.md)\b/g;
const HEADING_REF_PATTERN = /(?<![\w@./~-])((?:[\w.-]+\/)*[\w.-]+\.md|README)(?:,|\s)\s*"([^"\n]{2,100})"/g;
const PLACEHOLDER = /[<>*{}…$]|\.\.\./;

/** The problems of the paths named in a piece of prose or a comment (repository-rooted). */
export function checkText(repo: Repository, text: string, from: string, line: number): Reference[] {
  const problems: Reference[] = [];
  const prose = text.replace(URL_PATTERN, ' ');
  for (const match of prose.matchAll(PATH_PATTERN)) {
    const written = match[1]!.replace(/[.:]+$/, '');
    if (PLACEHOLDER.test(written)) continue;
    const [withoutAnchor, anchor] = splitAnchor(written.replace(/:\d+(?::\d+)?$/, ''));
    problems.push(
      ...checkTarget(repo, withoutAnchor, anchor, {
        from,
        line: line + lineOf(prose, match.index!),
        text: written,
        kind: 'path',
      }),
    );
  }
  for (const match of prose.matchAll(ROOT_DOC_PATTERN)) {
    if (!repo.exists(match[1]!))
      problems.push({
        from,
        line: line + lineOf(prose, match.index!),
        text: match[1]!,
        kind: 'path',
        problem: 'no such file at the repository root',
      });
  }
  const flat = prose.replace(/\s*\n\s*(?:\*\s?|\/\/\s?|--\s?|#\s?)?/g, ' ');
  for (const match of flat.matchAll(HEADING_REF_PATTERN)) {
    const doc = match[1] === 'README' ? 'README.md' : match[1]!;
    if (!doc.includes('/') && doc !== 'README.md' && !/^[A-Z]/.test(doc)) continue; // a bare `x.md` is relative to something unknown
    if (!repo.exists(doc)) continue; // reported above as a missing path
    const wanted = normalizeTitle(match[2]!);
    if (!repo.headings(doc).titles.some((title) => normalizeTitle(title).includes(wanted))) {
      problems.push({
        from,
        line,
        text: `${match[1]} "${match[2]}"`,
        kind: 'heading',
        problem: `${doc} has no heading containing "${match[2]}"`,
      });
    }
  }
  return problems;
}

function normalizeTitle(title: string): string {
  return title.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function lineOf(text: string, index: number): number {
  let lines = 0;
  for (let i = 0; i < index; i++) if (text[i] === '\n') lines++;
  return lines;
}

function splitAnchor(target: string): [string, string | undefined] {
  const hash = target.indexOf('#');
  return hash < 0 ? [target, undefined] : [target.slice(0, hash), target.slice(hash + 1)];
}

function checkTarget(
  repo: Repository,
  path: string,
  anchor: string | undefined,
  where: Omit<Reference, 'problem'>,
): Reference[] {
  if (!repo.exists(path))
    return [{ ...where, problem: path.endsWith('/') ? 'no such folder' : 'no such file or folder' }];
  if (anchor === undefined || anchor === '') return [];
  if (!path.endsWith('.md')) return [{ ...where, kind: 'anchor', problem: 'an anchor on a file that is not Markdown' }];
  if (!repo.headings(path).slugs.has(decodeURIComponent(anchor)))
    return [{ ...where, kind: 'anchor', problem: `${path} has no heading #${anchor}` }];
  return [];
}

/**
 * Every problem in one Markdown file: links, anchors, and the paths its prose and code spans name.
 * A file the document shows in full (a heading that is only its path, followed by a code block,
 * as docs/adding-a-data-provider.md does for the files a reader creates) counts as existing there.
 */
export function checkMarkdown(whole: Repository, file: string): Reference[] {
  const source = whole.read(file);
  const problems: Reference[] = [];
  const tokens = marked.lexer(source);
  const shown = filesShown(tokens);
  const repo = shown.length ? new Repository(whole.root, [...whole.files, ...shown]) : whole;
  let offset = 0;
  const lineAt = (raw: string): number => {
    const at = source.indexOf(raw, offset);
    return at < 0 ? 0 : lineOf(source, at) + 1;
  };
  const visit = (list: readonly Token[], line: number): void => {
    for (const token of list) {
      const here = token.raw ? Math.max(line, lineAt(token.raw)) : line;
      if (token.type === 'code') {
        problems.push(...checkText(repo, (token as Tokens.Code).text, file, here + 1));
        continue;
      }
      if (token.type === 'link' || token.type === 'image') {
        problems.push(...checkLink(repo, file, (token as Tokens.Link).href, here));
      } else if (
        token.type === 'codespan' ||
        ((token.type === 'text' || token.type === 'escape') && !('tokens' in token && token.tokens))
      ) {
        problems.push(...checkText(repo, (token as Tokens.Text).text, file, here));
      }
      for (const child of childrenOf(token)) visit(child, here);
    }
  };
  for (const token of tokens) {
    visit([token], lineAt(token.raw));
    offset = Math.max(offset, source.indexOf(token.raw, offset) + token.raw.length);
  }
  return problems;
}

function filesShown(tokens: readonly Token[]): string[] {
  const blocks = tokens.filter((token) => token.type !== 'space');
  return blocks.flatMap((token, i) => {
    const path = token.type === 'heading' ? plainText(token as Tokens.Heading).trim() : '';
    return path.includes('/') && !/\s/.test(path) && blocks[i + 1]?.type === 'code' ? [path] : [];
  });
}

function childrenOf(token: Token): Token[][] {
  const lists: Token[][] = [];
  if ('tokens' in token && Array.isArray(token.tokens)) lists.push(token.tokens);
  if (token.type === 'list') for (const item of (token as Tokens.List).items) lists.push(item.tokens);
  if (token.type === 'table') {
    const table = token as Tokens.Table;
    for (const cell of table.header) lists.push(cell.tokens);
    for (const row of table.rows) for (const cell of row) lists.push(cell.tokens);
  }
  return lists;
}

function checkLink(repo: Repository, file: string, href: string, line: number): Reference[] {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return [];
  const [target, anchor] = splitAnchor(href);
  const path =
    target === ''
      ? file
      : normalize(join(dirname(file), decodeURI(target)))
          .split('\\')
          .join('/');
  const where = { from: file, line, text: href, kind: 'link' as const };
  if (path.startsWith('..')) return [{ ...where, problem: 'points outside the repository' }];
  return checkTarget(repo, target.endsWith('/') ? `${path}/` : path, anchor, where);
}

/** The comments of a source file, each with the line it starts on. */
export function commentsOf(file: string, source: string): Array<{ text: string; line: number }> {
  const extension = extname(file);
  if (['.ts', '.js', '.mjs', '.cjs'].includes(extension)) return scriptComments(file, source);
  const marker = extension === '.sql' ? '--' : ['.graphql', '.sh', ''].includes(extension) ? '#' : undefined;
  if (!marker) return [];
  const comments: Array<{ text: string; line: number }> = [];
  source.split('\n').forEach((text, i) => {
    const at = outsideQuotes(text, marker);
    if (at < 0 || text.startsWith('#!')) return;
    if (marker === '#' && at > 0 && !/\s/.test(text[at - 1]!)) return; // a `#` inside a word
    comments.push({ text: text.slice(at + marker.length), line: i + 1 });
  });
  return comments;
}

/** Where `marker` starts on a line, outside '…' and "…" strings; -1 when it does not. */
function outsideQuotes(line: string, marker: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (line.startsWith(marker, i)) {
      return i;
    }
  }
  return -1;
}

function scriptComments(file: string, source: string): Array<{ text: string; line: number }> {
  const sourceFile = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS,
  );
  const seen = new Set<number>();
  const comments: Array<{ text: string; line: number }> = [];
  const collect = (pos: number) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(source, pos) ?? []),
      ...(ts.getTrailingCommentRanges(source, pos) ?? []),
    ]) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      const raw = source.slice(range.pos, range.end);
      const text = raw.startsWith('//') ? raw.slice(2) : raw.slice(2, -2).replace(/^\s*\*(?!\/)/gm, '');
      comments.push({ text, line: sourceFile.getLineAndCharacterOfPosition(range.pos).line + 1 });
    }
  };
  const walk = (node: ts.Node) => {
    collect(node.getFullStart());
    collect(node.getEnd());
    ts.forEachChild(node, walk);
  };
  walk(sourceFile);
  collect(sourceFile.getEnd());
  return comments.sort((a, b) => a.line - b.line);
}

/** Every problem in a source file's comments. */
export function checkComments(repo: Repository, file: string): Reference[] {
  return commentsOf(file, repo.read(file)).flatMap((comment) => checkText(repo, comment.text, file, comment.line));
}

const COMMENTED = /\.(ts|js|mjs|cjs|sql|graphql|sh)$/;

/** Every problem in the repository's Markdown files and code comments. */
export function checkRepository(repo: Repository): Reference[] {
  const problems: Reference[] = [];
  for (const file of [...repo.files].sort()) {
    if (file.endsWith('.md')) problems.push(...checkMarkdown(repo, file));
    else if (COMMENTED.test(file) || file === '.ci/run') problems.push(...checkComments(repo, file));
  }
  return problems;
}
