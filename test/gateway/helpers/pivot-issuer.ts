import { createHash, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactEncrypt, SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import type { AcrLevel } from '../../../lib/contracts/eidas.ts';
import type { PivotIdentity } from '../../../lib/contracts/pivot-identity.ts';
import { GRAPHQL_OPERATION_DETAIL } from '../../../gateway/pivot-token.ts';

/**
 * A pivot-token issuer for tests, configured exactly as docs/tokens.md tells the
 * broker to configure oidc-provider 9: resource indicators with a JWT access-token
 * format for the gateway (ES256 signed, then encrypted to the gateway's ECDH-ES key),
 * rich authorization requests carrying the consented operations, `extraTokenClaims`
 * adding `acr`, `pivot` and `grant_id`, pairwise subjects. Tokens are minted by
 * oidc-provider itself (its AccessToken model), not by hand; its `/jwks` is served on
 * a loopback port. `craft()` builds deliberately wrong tokens with the same shape.
 */
export interface IssueInput {
  clientId?: string;
  accountId?: string;
  pivot: PivotIdentity;
  acr?: AcrLevel;
  operations: Array<{ hash: string; operationName: string | null; scopes: string[] }>;
  grantId?: string;
  ttlSeconds?: number;
}

export interface PivotIssuer {
  issuer: string;
  jwksUri: string;
  /** The audience (resource indicator) tokens are issued for. */
  audience: string;
  issue(input: IssueInput): Promise<{ token: string; grantId: string; sub: string }>;
  /** The pairwise subject the SP (and the gateway's `Query.me`) sees for an account. */
  pairwiseSubject(accountId: string, clientId?: string): string;
  /** Signs `claims` (with `header` overrides) with this issuer's key or `key`, then encrypts to the gateway unless `encrypt: false`. */
  /** Publishes a new signing key; `craft()` then signs with it (as a broker rotating keys would). */
  rotateKey(): Promise<void>;
  craft(claims: Record<string, unknown>, options?: { header?: Record<string, unknown>; key?: CryptoKey; encrypt?: boolean; encryptTo?: { key: KeyObject | CryptoKey; kid?: string } }): Promise<string>;
  /** Claims oidc-provider would put in a token for `input`, for `craft()`. */
  claimsFor(input: IssueInput): Record<string, unknown>;
  close(): Promise<void>;
}

export const SANDBOX_CLIENT = 'parking-nimes';
const PAIRWISE_SECRET = 'test-pairwise-secret';

export async function startPivotIssuer(options: { gatewayJwks: { keys: JWK[] }; audience: string; clients?: string[] }): Promise<PivotIssuer> {
  const newKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `test-issuer-${randomUUID().slice(0, 8)}`;
    return { privateKey, kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };
  const initial = await newKey();
  let current = initial;
  const published = [initial.publicJwk];
  const encJwk = options.gatewayJwks.keys.find((k) => k.use === 'enc' && k.alg === 'ECDH-ES');
  if (!encJwk) throw new Error('the gateway JWKS has no ECDH-ES enc key');
  const { d: _private, ...encPublicJwk } = encJwk;
  const gatewayEncryptionKey = createPublicKey({ key: encPublicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accounts = new Map<string, { pivot: PivotIdentity }>();
  const acrByGrant = new Map<string, AcrLevel>();
  const clients = options.clients ?? [SANDBOX_CLIENT, 'other-sp'];
  const pairwiseSubject = (accountId: string, clientId = SANDBOX_CLIENT) =>
    createHash('sha256').update(`${clientId}\0${accountId}\0${PAIRWISE_SECRET}`).digest('base64url');

  const configuration: Configuration = {
    jwks: { keys: [initial.privateJwk as never] },
    adapter: MemoryAdapter,
    clients: clients.map((clientId) => ({
      client_id: clientId,
      client_secret: 'unused-secret',
      redirect_uris: [`https://${clientId}.example/callback`],
      subject_type: 'pairwise',
    })),
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    ttl: { AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 60 },
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: (_ctx, accountId, client) => pairwiseSubject(accountId, client.clientId),
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== options.audience) throw new Error(`unknown resource ${resource}`);
          return {
            scope: 'passerelle',
            audience: options.audience,
            accessTokenTTL: 60,
            accessTokenFormat: 'jwt',
            jwt: {
              sign: { alg: 'ES256' },
              encrypt: { alg: 'ECDH-ES', enc: 'A256GCM', key: gatewayEncryptionKey, kid: encJwk.kid },
            },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const account = accounts.get((token as { accountId: string }).accountId);
      const grantId = (token as { grantId: string }).grantId;
      return { acr: acrByGrant.get(grantId), pivot: account?.pivot, grant_id: grantId, citizen_ref: (token as { accountId: string }).accountId };
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  // The JWKS oidc-provider publishes, plus keys added by rotateKey().
  server.on('request', (req, res) => {
    if (req.url !== '/jwks') return callback(req, res);
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify({ keys: published }));
  });

  const claimsFor = (input: IssueInput) => {
    const now = Math.floor(Date.now() / 1000);
    const clientId = input.clientId ?? SANDBOX_CLIENT;
    return {
      iss: issuer, aud: options.audience, sub: pairwiseSubject(input.accountId ?? 'account-1', clientId), client_id: clientId,
      iat: now, exp: now + (input.ttlSeconds ?? 60), jti: randomUUID(), scope: 'passerelle',
      authorization_details: detailsFor(input), acr: input.acr ?? 'eidas1', pivot: input.pivot, grant_id: input.grantId ?? randomUUID(),
      citizen_ref: input.accountId ?? 'account-1',
    };
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    audience: options.audience,
    pairwiseSubject,
    claimsFor,
    async issue(input) {
      const clientId = input.clientId ?? SANDBOX_CLIENT;
      const accountId = input.accountId ?? `account-${randomUUID()}`;
      const grantId = input.grantId ?? randomUUID();
      accounts.set(accountId, { pivot: input.pivot });
      acrByGrant.set(grantId, input.acr ?? 'eidas1');
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      const token = new provider.AccessToken({ client, accountId, grantId, gty: 'authorization_code', scope: 'passerelle', ...(input.ttlSeconds ? { expiresIn: input.ttlSeconds } : {}) });
      // What `features.richAuthorizationRequests.authorizationDetailsForAccessToken` returns in the broker.
      token.rar = detailsFor(input) as never;
      token.resourceServer = new (provider as unknown as { ResourceServer: new (id: string, info: unknown) => never }).ResourceServer(options.audience, await configuration.features!.resourceIndicators!.getResourceServerInfo!(undefined as never, options.audience, client));
      return { token: await token.save(), grantId, sub: pairwiseSubject(accountId, clientId) };
    },
    async rotateKey() {
      current = await newKey();
      published.push(current.publicJwk);
    },
    async craft(claims, craftOptions = {}) {
      const jws = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: current.kid, ...craftOptions.header } as never)
        .sign(craftOptions.key ?? current.privateKey);
      if (craftOptions.encrypt === false) return jws;
      const to = craftOptions.encryptTo ?? { key: gatewayEncryptionKey, kid: encJwk.kid };
      return new CompactEncrypt(new TextEncoder().encode(jws))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'at+jwt', ...(to.kid ? { kid: to.kid } : {}) })
        .encrypt(to.key);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function detailsFor(input: IssueInput) {
  return input.operations.map((o) => ({
    type: GRAPHQL_OPERATION_DETAIL,
    operation_name: o.operationName,
    operation_hash: o.hash,
    scopes: o.scopes,
    purpose: 'test',
  }));
}

/** oidc-provider's storage, in memory (tokens minted here are never looked up again). */
class MemoryAdapter {
  private static readonly store = new Map<string, unknown>();
  constructor(private readonly model: string) {}
  async upsert(id: string, payload: unknown) { MemoryAdapter.store.set(`${this.model}:${id}`, payload); }
  async find(id: string) { return MemoryAdapter.store.get(`${this.model}:${id}`) as never; }
  async findByUserCode() { return undefined; }
  async findByUid() { return undefined; }
  async consume() {}
  async destroy(id: string) { MemoryAdapter.store.delete(`${this.model}:${id}`); }
  async revokeByGrantId() {}
}
