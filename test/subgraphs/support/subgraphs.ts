import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { Kind, parse, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type TypeNode } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { RunningComponent } from '../../../lib/component.ts';
import type { Config } from '../../../lib/config/load.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import type { ProviderContract } from '../../../lib/federation/contract.ts';
import { createLogger } from '../../../lib/log.ts';
import type { PivotIdentity } from '../../../lib/contracts/pivot-identity.ts';
import { subgraphComponent } from '../../../lib/subgraph/start.ts';
import { SANDBOX_IDENTITIES } from '../../../sandbox/seed/identities.ts';
import { seedSandbox } from '../../../sandbox/seed/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { PROVIDERS, providerFoldersOf } from '../../helpers/providers.ts';

/**
 * A stand-in for the gateway's key publication: a real HTTP server on a free port
 * serving a JWKS, with the private keys to sign tokens as the gateway would
 * (docs/tokens.md). It counts fetches, and keys can be added (rotation).
 */
export interface TestIssuer {
  url: string;
  jwksFetches: number;
  /** Makes the JWKS answer 500 (the gateway is down). */
  down: boolean;
  addKey(): Promise<string>;
  sign(
    claims: JWTPayload,
    options?: { kid?: string; header?: Record<string, unknown>; key?: CryptoKey },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  let server: Server;
  const issuer: TestIssuer = {
    url: '',
    jwksFetches: 0,
    down: false,
    async addKey() {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const kid = randomUUID().slice(0, 8);
      keys.set(kid, { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } });
      return kid;
    },
    async sign(claims, options = {}) {
      const kid = options.kid ?? [...keys.keys()][0]!;
      const key = options.key ?? keys.get(kid)!.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'passerelle-dp+jwt', kid, ...options.header })
        .sign(key);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  await issuer.addKey();
  server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    issuer.jwksFetches++;
    if (issuer.down) return void res.writeHead(500).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [...keys.values()].map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  issuer.url = `http://127.0.0.1:${address.port}`;
  return issuer;
}

/** The claims of a valid internal token for `provider` about `pivot`. */
export function tokenClaims(
  issuer: TestIssuer,
  provider: string,
  pivot: PivotIdentity,
  scope: string,
  extra: JWTPayload = {},
): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer.url,
    aud: `urn:passerelle:dp:${provider}`,
    sub: `sub-${randomUUID()}`,
    iat: now,
    exp: now + 30,
    jti: randomUUID(),
    pivot,
    scope,
    acr: 'eidas2',
    client_id: 'test-sp',
    rid: randomUUID(),
    ...extra,
  };
}

/** Every log line the subgraphs wrote, parsed. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    callback();
  }
  /** The request log line of a request id. */
  request(rid: string): Record<string, unknown> | undefined {
    return this.lines.find((l) => l.rid === rid && l.msg === 'request');
  }
}

export interface TestSubgraphs {
  config: Config;
  database: TestDatabase;
  issuer: TestIssuer;
  logs: LogCapture;
  urls: Record<string, string>;
  components: RunningComponent[];
  close(): Promise<void>;
}

/** The real subgraphs on free ports, over a fresh database loaded with the sandbox citizens. */
export async function startTestSubgraphs(names: readonly string[] = PROVIDERS): Promise<TestSubgraphs> {
  const issuer = await startTestIssuer();
  const database = await createTestDatabase();
  const config = loadPlatformConfig({ env: {}, overrides: [['gateway.url', issuer.url]] });
  const logs = new LogCapture();
  const logger = createLogger('test', 'info', logs);
  const pool = database.pool({ max: 2 });
  await seedSandbox(pool, providerFoldersOf(names));
  await pool.end();
  const components: RunningComponent[] = [];
  for (const name of names) {
    components.push(await subgraphComponent(name, { jwksCooldownMs: 0 })({ config, database, logger }, { port: 0 }));
  }
  return {
    config,
    database,
    issuer,
    logs,
    components,
    urls: Object.fromEntries(components.map((c) => [c.name, c.url])),
    async close() {
      for (const c of components) await c.close();
      await database.drop();
      await issuer.close();
    },
  };
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
    error?: string;
    message?: string;
  };
  requestId: string;
}

/** POSTs a GraphQL request to a subgraph with a bearer token. */
export async function post(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse> {
  const requestId = randomUUID();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponse['body'],
    requestId,
  };
}

/** The query the gateway sends for `Citizen` fields: `_entities` with the citizen's representation. */
export function entitiesQuery(selection: string): string {
  return `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { ${selection} } } }`;
}

export const citizen = (id: string) => ({ __typename: 'Citizen', id });

/** The query the gateway sends for `Company` fields (docs/companies.md). */
export function companyEntitiesQuery(selection: string): string {
  return `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Company { ${selection} } } }`;
}

export const company = (siren: string) => ({ __typename: 'Company', siren });

/** Every `Citizen` field a provider serves (objects read through `__typename`): what a test about any provider selects. */
export function citizenSelection(contract: ProviderContract): string {
  return entitySelection(contract, 'Citizen');
}

/**
 * Every field of `entity` a provider serves but its key (objects read through
 * `__typename`); with `nullableOnly`, only the fields that may be null.
 */
export function entitySelection(
  contract: ProviderContract,
  entity: 'Citizen' | 'Company',
  options: { nullableOnly?: boolean } = {},
): string {
  const document = parse(contract.sdl);
  const objects = new Set(
    document.definitions
      .filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION)
      .map((d) => (d as ObjectTypeDefinitionNode).name.value),
  );
  const entityType = document.definitions.find(
    (d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === entity,
  );
  const namedType = (type: TypeNode): string =>
    type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
  const key = entity === 'Citizen' ? 'id' : 'siren';
  return (entityType?.fields ?? [])
    .filter((f) => f.name.value !== key && (!options.nullableOnly || f.type.kind !== Kind.NON_NULL_TYPE))
    .map((f) => (objects.has(namedType(f.type)) ? `${f.name.value} { __typename }` : f.name.value))
    .join(' ');
}
export const sandbox = (login: string): PivotIdentity => SANDBOX_IDENTITIES[login]!;
