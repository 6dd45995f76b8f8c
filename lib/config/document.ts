import { z } from 'zod';

/**
 * Renders `docs/configuration.md` from the configuration schema (`npm run config:doc`),
 * as `docs/errors.md` is rendered from the error catalogs: every key with its type,
 * default, description (the schema's `.describe()`) and environment variable. It reads
 * the schema through `z.toJSONSchema`, so what is documented is what is validated.
 */

/** One documented key. `path` uses `[]` for a list item and `{}` for a map entry. */
export interface ConfigurationKey {
  /** `broker.dashboard.pageSize`, `dataProviders[].url`, `serviceProviders[].operations{}`. */
  path: string;
  /** Top-level section the key belongs to (`broker`), or `''` for top-level scalars. */
  section: string;
  type: string;
  /** JSON of the default, if any. */
  default?: string;
  required: boolean;
  description: string;
  /**
   * The environment variable that sets it (`PASSERELLE__dataProviders__<name>__url`), with
   * the item placeholder list items are addressed by; absent when only the whole list can be set.
   */
  env?: string;
}

type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

export class UndocumentedKeyError extends Error {
  override name = 'UndocumentedKeyError';
}

/** Every key of the schema, in the schema's order; throws if one has no description. */
export function configurationKeys(schema: z.ZodType): ConfigurationKey[] {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const keys: ConfigurationKey[] = [];
  walkObject(root, { path: [], env: ['PASSERELLE'], envAddressable: true, section: '' }, keys);
  const undocumented = keys.filter((k) => !k.description).map((k) => k.path);
  if (undocumented.length) {
    throw new UndocumentedKeyError(
      `configuration keys without a description (add .describe() in lib/config/): ${undocumented.join(', ')}`,
    );
  }
  return keys;
}

interface Place {
  path: string[];
  env: string[];
  /** False once inside a list whose items cannot be addressed by name: only the whole list can be set. */
  envAddressable: boolean;
  /** Inside a list item: the key that addresses it (`name`, `clientId`). */
  itemId?: string;
  section: string;
}

function walkObject(node: JsonSchema, at: Place, out: ConfigurationKey[]): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const place: Place = {
      path: [...at.path, name],
      env: [...at.env, name],
      // The key naming a list item addresses it: it is not set through the environment.
      envAddressable: at.envAddressable && name !== at.itemId,
      section: at.section || (isContainer(child) ? name : ''),
    };
    const required = (node.required ?? []).includes(name);
    out.push(keyOf(child, place, required));
    walkChildren(child, { ...place, itemId: undefined }, out);
  }
}

function walkChildren(node: JsonSchema, at: Place, out: ConfigurationKey[]): void {
  if (node.title) return; // a named type (secret reference, URL) is documented as a whole
  if (node.type === 'object' && node.properties) return walkObject(node, at, out);
  if (node.type === 'object' && typeof node.additionalProperties === 'object') {
    const entry = node.additionalProperties;
    const place = { ...at, path: [...at.path.slice(0, -1), `${at.path.at(-1)}{}`], env: [...at.env, '<name>'] };
    out.push(keyOf(entry, place, false));
    return walkChildren(entry, place, out);
  }
  if (node.type === 'array' && node.items?.type === 'object' && node.items.properties) {
    const id = ['name', 'clientId'].find((key) => node.items!.properties![key]);
    const place = {
      ...at,
      path: [...at.path.slice(0, -1), `${at.path.at(-1)}[]`],
      env: [...at.env, `<${id ?? 'item'}>`],
      envAddressable: at.envAddressable && id !== undefined,
      itemId: id,
    };
    walkObject(node.items, place, out);
  }
}

function isContainer(node: JsonSchema): boolean {
  return (node.type === 'object' && !node.title) || (node.type === 'array' && node.items?.type === 'object');
}

function keyOf(node: JsonSchema, at: Place, required: boolean): ConfigurationKey {
  const path = at.path.join('.');
  const key: ConfigurationKey = {
    path,
    section: at.section,
    type: typeOf(node),
    required: required && node.default === undefined,
    description: node.description ?? '',
  };
  if (node.default !== undefined && !isEmptyObject(node.default)) key.default = JSON.stringify(node.default);
  // A list item as a whole cannot be replaced (lib/config/load.ts): its keys are set one by one.
  const isAddressableItemList =
    node.type === 'array' &&
    node.items?.type === 'object' &&
    ['name', 'clientId'].some((k) => node.items!.properties?.[k]);
  if (at.envAddressable && !isAddressableItemList) key.env = at.env.join('__');
  return key;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** A short human name of a JSON Schema type: `integer 10–86400`, `list of string`, `secret reference`. */
function typeOf(node: JsonSchema): string {
  if (node.title) return node.title;
  if (node.enum) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  switch (node.type) {
    case 'integer':
    case 'number':
      return `${node.type}${range(node)}`;
    case 'string': {
      if (node.pattern) return `string matching \`${node.pattern}\``;
      if (node.maxLength !== undefined) return `string of ${node.minLength ?? 0}–${node.maxLength} characters`;
      return node.minLength ? 'non-empty string' : 'string';
    }
    case 'boolean':
      return 'boolean';
    case 'array': {
      const of = node.items
        ? node.items.type === 'object' && node.items.properties
          ? 'objects'
          : typeOf(node.items)
        : 'anything';
      return `list of ${of}${node.minItems ? ` (at least ${node.minItems})` : ''}`;
    }
    case 'object':
      if (node.properties) return node.additionalProperties === false ? 'object' : 'object (other members allowed)';
      if (typeof node.additionalProperties === 'object') return `map of name → ${typeOf(node.additionalProperties)}`;
      return 'object';
    default:
      return 'any';
  }
}

function range(node: JsonSchema): string {
  let min = node.minimum;
  if (node.exclusiveMinimum !== undefined)
    min = node.type === 'integer' ? node.exclusiveMinimum + 1 : node.exclusiveMinimum;
  const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  const n = (x: number) => String(x);
  if (min !== undefined && max !== undefined) return ` ${n(min)}–${n(max)}`;
  if (min !== undefined) return ` ≥ ${n(min)}`;
  if (max !== undefined) return ` ≤ ${n(max)}`;
  return '';
}

const INTRO = `# Configuration

<!-- Generated from the configuration schema (lib/config/) by \`npm run config:doc\`; do not edit by hand. -->

One JSON file describes the federation. \`PASSERELLE_CONFIG\` gives its path; the sandbox
one, \`sandbox/passerelle.json\`, is the default. It is validated at start-up (\`lib/config/load.ts\`):
an invalid configuration stops start-up with a message naming the wrong key
(\`dataProviders[dgfip].url: must be an http(s) URL\`), and unknown keys are refused.

Environment variables override the file:

- \`DATABASE_URL\` sets \`database.url\`. Unset: an embedded PostgreSQL (PGlite), persisted in
  \`.data/pglite\` (git-ignored), served on a loopback port.
- \`PASSERELLE__<key>__<key>…=value\` sets any key path (the forms are listed with each key
  below). List items are addressed by their \`name\` (or \`clientId\`), with \`_\` standing for
  \`-\`, since a shell variable name cannot hold a hyphen:
  \`PASSERELLE__dataProviders__cnaf__url=http://cnaf:8080\`,
  \`PASSERELLE__serviceProviders__parking_nimes__defaultAcr=eidas2\`. A whole list item cannot be
  replaced; a whole list, or a list of values, can (\`PASSERELLE__serviceProviders__parking_nimes__scopes='["openid"]'\`).
  Values are parsed as JSON when they are valid JSON, else taken as strings.

A **secret reference** (keys, secrets) is \`{ "env": "VAR" }\` (read from the environment),
\`{ "file": "path" }\` (a file, relative to the configuration file's folder) or an inline
string — inline values only in a configuration marked \`"sandbox": true\`, so real secrets
never sit in the repository. An **http(s) URL** is an absolute \`http:\` or \`https:\` URL.
Defaults that depend on other keys (an issuer defaulting to a URL, an audience to the
gateway's) are said in the description.
`;

/** docs/configuration.md: the introduction, then one table per top-level section. */
export function renderConfigurationDocument(schema: z.ZodType): string {
  const keys = configurationKeys(schema);
  const lines = [INTRO];
  const sections = [...new Set(keys.map((k) => k.section))];
  for (const section of sections) {
    const own = keys.filter((k) => k.section === section);
    const head = own.find((k) => k.path === section);
    lines.push(`## ${section ? `\`${section}\`` : 'Top level'}`, '');
    lines.push(head ? `${head.description}${head.required ? '' : ' Optional.'}` : 'Keys at the root of the file.', '');
    lines.push('| key | type | default | description |', '|---|---|---|---|');
    for (const key of own) {
      if (key === head) continue;
      const where = `\`${key.path}\`<br>${key.env ? `\`${key.env}\`` : envlessNote(key.path)}`;
      const fallback = key.default !== undefined ? `\`${key.default}\`` : key.required ? '**required**' : '—';
      lines.push(`| ${where} | ${cell(key.type)} | ${cell(fallback)} | ${cell(key.description)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Why a key inside a list has no variable: it names its item, or the list is set as a whole. */
function envlessNote(path: string): string {
  return /\[\]\.(name|clientId)$/.test(path) ? '(names the item)' : '(set with the whole list)';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
