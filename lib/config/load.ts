import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { defaultProviderAudience } from '../contracts/provider-token.ts';
import type { SecretRef } from './common.ts';
import { PasserelleConfig, type PasserelleConfigData } from './schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Data = PasserelleConfigData;

/**
 * The configuration as every component reads it: the file's values with the defaults
 * that derive from other settings resolved once, here (`resolveDerivedDefaults`), so
 * that no two components compute an issuer, an audience or a JWKS URL each their way.
 */
export interface ResolvedConfigData extends Omit<Data, 'broker' | 'gateway' | 'dataProviders'> {
  broker: Data['broker'] & { issuer: string };
  gateway: Omit<Data['gateway'], 'pivotToken'> & {
    issuer: string;
    audience: string;
    jwksUri: string;
    pivotToken: Data['gateway']['pivotToken'] & { issuer: string; jwksUri: string };
  };
  dataProviders: Array<Data['dataProviders'][number] & { audience: string }>;
}

export interface Config extends ResolvedConfigData {
  /** Folder of the configuration file: relative paths are resolved from it. */
  readonly dir: string;
  /** Reads a secret reference (env, file or sandbox inline value). */
  secret(ref: SecretRef, key: string): string;
  /** A secret holding JSON (a JWKS, a list of keys). */
  secretJson<T = unknown>(ref: SecretRef, key: string): T;
  /** Whether the value at `keyPath` (`broker.issuer`) was derived from other settings rather than set. */
  isDerived(keyPath: string): boolean;
}

export interface LoadOptions<Sections extends z.ZodRawShape> {
  /** The configuration file; else `PASSERELLE_CONFIG`; else `defaultPath`. */
  path?: string;
  /** The file read when neither `path` nor `PASSERELLE_CONFIG` names one (the composition root chooses it: bin/config.ts). */
  defaultPath?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Array<[string, unknown]>;
  /**
   * Sections the platform does not define, each validated with its owner's schema (the
   * sandbox parking service's `parking`): the composition root hands them in.
   */
  sections?: Sections;
}

/**
 * Loads the configuration: the file at `path`, `PASSERELLE_CONFIG` or `defaultPath`,
 * then environment overrides, then validation. Overrides:
 * - `DATABASE_URL` sets `database.url`;
 * - `PASSERELLE__a__b__c=value` sets the key path a.b.c; in a list, an item is
 *   addressed by its `name` or `clientId` (`PASSERELLE__dataProviders__dgfip__url`), with `_`
 *   for `-` (`PASSERELLE__serviceProviders__parking_nimes__defaultAcr`).
 *   The value is parsed as JSON when it is valid JSON, else taken as a string.
 * Any invalid key stops here with a message naming it.
 */
export function loadConfig<Sections extends z.ZodRawShape = Record<never, never>>(
  options: LoadOptions<Sections> = {},
): Config & z.output<z.ZodObject<Sections>> {
  const env = options.env ?? process.env;
  const file = options.path ?? env.PASSERELLE_CONFIG ?? options.defaultPath;
  if (!file) throw new ConfigError('no configuration file: set PASSERELLE_CONFIG to its path');
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read configuration ${path}: ${(error as Error).message}`);
  }
  if (env.DATABASE_URL) setPath(raw, ['database', 'url'], env.DATABASE_URL, path);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('PASSERELLE__') || value === undefined) continue;
    setPath(raw, name.slice('PASSERELLE__'.length).split('__'), parseValue(value), `${path} (from ${name})`);
  }
  for (const [keyPath, value] of options.overrides ?? []) setPath(raw, keyPath.split('.'), value, path);

  const parsed = PasserelleConfig.extend(options.sections ?? {}).safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${formatPath(raw, issue.path)}: ${issue.message}`);
    throw new ConfigError(`invalid configuration ${path}:\n${lines.join('\n')}`);
  }
  const { data, derived } = resolveDerivedDefaults(parsed.data as Data);
  const dir = dirname(path);
  const secret = (ref: SecretRef, key: string): string => readSecret(ref, key, dir, data.sandbox, env);
  return {
    ...(parsed.data as unknown as z.output<z.ZodObject<Sections>>),
    ...data,
    dir,
    secret,
    isDerived: (keyPath) => derived.has(keyPath),
    secretJson<T>(ref: SecretRef, key: string): T {
      const text = secret(ref, key);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ConfigError(`${key}: the secret is not valid JSON`);
      }
    },
  };
}

/**
 * Defaults that derive from other settings:
 * - `broker.issuer`: the broker's URL (without a trailing slash);
 * - `gateway.audience` (the resource indicator pivot tokens are for) and `gateway.issuer`
 *   (of internal provider tokens): the gateway's URL;
 * - `gateway.jwksUri`: `<gateway.url>/.well-known/jwks.json`;
 * - `gateway.pivotToken.issuer`: the broker's issuer; its `jwksUri`: `<issuer>/jwks`;
 * - `dataProviders[].audience`: `urn:passerelle:dp:<name>` (lib/contracts/provider-token.ts).
 */
function resolveDerivedDefaults(data: Data): { data: ResolvedConfigData; derived: ReadonlySet<string> } {
  const trim = (url: string) => url.replace(/\/+$/, '');
  const brokerIssuer = data.broker.issuer ?? trim(data.broker.url);
  const { gateway } = data;
  const pivotTokenIssuer = gateway.pivotToken.issuer ?? brokerIssuer;
  const derived = new Set(
    Object.entries({
      'broker.issuer': data.broker.issuer,
      'gateway.issuer': gateway.issuer,
      'gateway.audience': gateway.audience,
      'gateway.jwksUri': gateway.jwksUri,
      'gateway.pivotToken.issuer': gateway.pivotToken.issuer,
      'gateway.pivotToken.jwksUri': gateway.pivotToken.jwksUri,
      ...Object.fromEntries(data.dataProviders.map((p) => [`dataProviders.${p.name}.audience`, p.audience])),
    })
      .filter(([, value]) => value === undefined)
      .map(([keyPath]) => keyPath),
  );
  const resolved: ResolvedConfigData = {
    ...data,
    broker: { ...data.broker, issuer: brokerIssuer },
    gateway: {
      ...gateway,
      issuer: gateway.issuer ?? gateway.url,
      audience: gateway.audience ?? gateway.url,
      jwksUri: gateway.jwksUri ?? `${trim(gateway.url)}/.well-known/jwks.json`,
      pivotToken: {
        ...gateway.pivotToken,
        issuer: pivotTokenIssuer,
        jwksUri: gateway.pivotToken.jwksUri ?? `${trim(pivotTokenIssuer)}/jwks`,
      },
    },
    dataProviders: data.dataProviders.map((provider) => ({
      ...provider,
      audience: provider.audience ?? defaultProviderAudience(provider.name),
    })),
  };
  return { data: resolved, derived };
}

/** The port a component listens on: its explicit `port`, else its URL's. */
export function listenPort(service: { url: string; port?: number | undefined }): number {
  if (service.port !== undefined) return service.port;
  const url = new URL(service.url);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function readSecret(ref: SecretRef, key: string, dir: string, sandbox: boolean, env: NodeJS.ProcessEnv): string {
  if (typeof ref === 'string') {
    if (!sandbox)
      throw new ConfigError(
        `${key}: inline secrets are only allowed in a sandbox configuration; use { "env": ... } or { "file": ... }`,
      );
    return ref;
  }
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) throw new ConfigError(`${key}: environment variable ${ref.env} is not set`);
    return value;
  }
  const file = isAbsolute(ref.file) ? ref.file : resolve(dir, ref.file);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(
      `${key}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function setPath(root: unknown, keys: string[], value: unknown, source: string): void {
  let node = root as Record<string, unknown> | unknown[];
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    if (Array.isArray(node)) {
      const item = node.find((x) => x && typeof x === 'object' && itemIs(x as Record<string, unknown>, key));
      if (!item) throw new ConfigError(`${source}: no item "${key}" in ${keys.slice(0, i).join('.')}`);
      if (last) throw new ConfigError(`${source}: cannot replace the whole item ${keys.join('.')}`);
      node = item as Record<string, unknown>;
      return;
    }
    if (last) {
      node[key] = value;
      return;
    }
    if (node[key] === undefined || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

/**
 * A list item is addressed by its `name` or `clientId`; `_` stands for `-` too, since
 * a shell variable name cannot hold a hyphen (PASSERELLE__serviceProviders__parking_nimes__...).
 */
function itemIs(item: Record<string, unknown>, key: string): boolean {
  return [item.name, item.clientId].some(
    (id) => typeof id === 'string' && (id === key || id.replaceAll('-', '_') === key),
  );
}

/** `dataProviders[dgfip].url` rather than `dataProviders.0.url`: name the wrong key. */
function formatPath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (!path.length) return '(root)';
  let node = raw as Record<PropertyKey, unknown> | undefined;
  let out = '';
  for (const key of path) {
    const child = node?.[key] as Record<string, unknown> | undefined;
    if (typeof key === 'number') {
      const label = child && typeof child === 'object' ? (child.name ?? child.clientId) : undefined;
      out += `[${typeof label === 'string' ? label : key}]`;
    } else {
      out += out ? `.${String(key)}` : String(key);
    }
    node = child && typeof child === 'object' ? child : undefined;
  }
  return out;
}

export type { PasserelleConfigData };
