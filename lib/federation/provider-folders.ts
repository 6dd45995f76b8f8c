import { readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/**
 * A data provider is one folder in `dataProvidersDir` (the sandbox configuration:
 * `subgraphs/`) named like its `dataProviders` entry: its contract (schema.graphql,
 * catalog.json), its code (index.ts), its migrations and its sandbox seed. The
 * configuration says where the folders are, so nothing in `lib/` knows that tree.
 * A folder without an entry, or an entry without a folder, stops start-up and
 * `passerelle compose` with a message naming it.
 */
export interface DataProviderFolders {
  /** Folder of the configuration file: a relative `dataProvidersDir` is read from it. */
  dir: string;
  dataProvidersDir: string;
  dataProviders: ReadonlyArray<{ name: string }>;
}

export interface ProviderFolder {
  name: string;
  /** Absolute path of the folder. */
  path: string;
  /** The folder as messages name it (relative to the working directory when inside it). */
  label: string;
}

export class ProviderFolderError extends Error {
  override name = 'ProviderFolderError';
  constructor(readonly problems: string[]) {
    super(`the data provider folders do not match the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** `dataProvidersDir`, absolute. */
export function dataProvidersDir(config: Pick<DataProviderFolders, 'dir' | 'dataProvidersDir'>): string {
  return isAbsolute(config.dataProvidersDir) ? config.dataProvidersDir : resolve(config.dir, config.dataProvidersDir);
}

/**
 * The folder of every configured data provider (or of the `only` ones), in
 * configuration order, once folders and entries are checked to match.
 */
export function providerFolders(config: DataProviderFolders, only?: readonly string[]): ProviderFolder[] {
  const dir = dataProvidersDir(config);
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch (error) {
    throw new ProviderFolderError([
      `dataProvidersDir ${labelOf(dir)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    ]);
  }
  const configured = config.dataProviders.map((p) => p.name);
  const problems = [
    ...names
      .filter((name) => !configured.includes(name))
      .map(
        (name) =>
          `${labelOf(join(dir, name))}: a data provider folder without an entry in the configuration's dataProviders; add { "name": "${name}", "url": … } or remove the folder`,
      ),
    ...configured
      .filter((name) => !names.includes(name))
      .map(
        (name) =>
          `dataProviders[${name}]: no folder ${labelOf(join(dir, name))}; create it (docs/adding-a-data-provider.md) or remove the entry`,
      ),
    ...(only ?? [])
      .filter((name) => !configured.includes(name))
      .map((name) => `data provider "${name}" is not in the configuration's dataProviders (${configured.join(', ')})`),
  ];
  if (problems.length) throw new ProviderFolderError(problems);
  return configured.filter((name) => !only || only.includes(name)).map((name) => folderOf(dir, name));
}

/** The folder of one configured provider (checked like `providerFolders`). */
export function providerFolder(config: DataProviderFolders, name: string): ProviderFolder {
  return providerFolders(config, [name])[0]!;
}

function folderOf(dir: string, name: string): ProviderFolder {
  const path = join(dir, name);
  return { name, path, label: labelOf(path) };
}

function labelOf(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
