import { randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactEncrypt, SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { consentedOperations } from '../auth/authorization-details/graphql-operation.ts';
import { pairwiseSubject as brokerPairwiseSubject } from '../auth/pairwise.ts';
import { newDpopKey, type DpopKey } from './dpop-key.ts';
import { gatewayEncryptionKeyOf, pivotTokenExtraClaims, pivotTokenFormat } from '../auth/pivot-token.ts';
import type { AcrLevel } from '../lib/contracts/eidas.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import {
  GRAPHQL_OPERATION,
  PIVOT_TOKEN_CONTENT_ENCRYPTION,
  PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
  PIVOT_TOKEN_SIGNING_ALG,
  PIVOT_TOKEN_TYPE,
  type ConsentedOperation,
  type PivotTokenCompany,
} from '../lib/contracts/pivot-token.ts';

/**
 * A pivot-token issuer standing in for the broker, for the gateway's tests and the
 * benchmark: oidc-provider 9 minting the broker's own token — its format
 * (`pivotTokenFormat`: JWT, ES256, encrypted to the gateway's ECDH-ES key), its claims
 * (`pivotTokenExtraClaims`), its consented operations (`consentedOperations`), its
 * pairwise subjects — all from auth/, so a change in what the broker issues that the
 * gateway does not accept fails the gateway's tests. Only the sign-in is skipped: tokens
 * are minted by oidc-provider's AccessToken model for a given identity and consent, and
 * its `/jwks` is served on a loopback port. `craft()` builds deliberately wrong tokens
 * with the same shape. Every token is bound to a DPoP key (`cnf.jkt`), as the broker's
 * are; `dpopKeyFor(token)` gives the key to sign the proofs with.
 */
export interface IssueInput {
  clientId?: string;
  accountId?: string;
  pivot: PivotIdentity;
  acr?: AcrLevel;
  operations: Array<{ hash: string; operationName: string | null; scopes: string[] }>;
  grantId?: string;
  ttlSeconds?: number;
  /** The SP's DPoP key the token is bound to; default: a new one. */
  dpopKey?: DpopKey;
  /** Acting for a company (docs/companies.md): the `company` claim the broker puts in the token. */
  company?: PivotTokenCompany;
}

export interface PivotIssuer {
  issuer: string;
  jwksUri: string;
  /** The audience (resource indicator) tokens are issued for. */
  audience: string;
  issue(input: IssueInput): Promise<{ token: string; grantId: string; sub: string; dpopKey: DpopKey }>;
  /** The DPoP key a token from `issue()` or `craft(claimsFor(...))` is bound to. */
  dpopKeyFor(token: string): DpopKey | undefined;
  /** The pairwise subject the SP (and the gateway's `Query.me`) sees for an account. */
  pairwiseSubject(accountId: string, clientId?: string): string;
  /** Publishes a new signing key; `craft()` then signs with it (as a broker rotating keys would). */
  rotateKey(): Promise<void>;
  /** Signs `claims` (with `header` overrides) with this issuer's key or `key`, then encrypts to the gateway unless `encrypt: false`. */
  craft(
    claims: Record<string, unknown>,
    options?: {
      header?: Record<string, unknown>;
      key?: CryptoKey;
      encrypt?: boolean;
      encryptTo?: { key: KeyObject | CryptoKey; kid?: string };
    },
  ): Promise<string>;
  /** Claims oidc-provider would put in a token for `input`, for `craft()`. */
  claimsFor(input: IssueInput): Record<string, unknown>;
  close(): Promise<void>;
}

export const SANDBOX_CLIENT = 'parking-nimes';
const PAIRWISE_SECRET = 'test-pairwise-secret';
/** Informational `scope` of the token (the gateway enforces the operations' scopes). */
const TOKEN_SCOPE = 'passerelle';
const DEFAULT_TTL_SECONDS = 60;

export async function startPivotIssuer(options: {
  gatewayJwks: { keys: JWK[] };
  audience: string;
  clients?: string[];
}): Promise<PivotIssuer> {
  const newKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair(PIVOT_TOKEN_SIGNING_ALG, { extractable: true });
    const kid = `test-issuer-${randomUUID().slice(0, 8)}`;
    const member = { kid, alg: PIVOT_TOKEN_SIGNING_ALG, use: 'sig' };
    return {
      privateKey,
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), ...member },
      publicJwk: { ...(await exportJWK(publicKey)), ...member },
    };
  };
  const initial = await newKey();
  let current = initial;
  const published = [initial.publicJwk];
  const encryption = gatewayEncryptionKeyOf(options.gatewayJwks, 'the gateway JWKS');

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accounts = new Map<string, { pivot: PivotIdentity }>();
  const acrByGrant = new Map<string, AcrLevel>();
  const companyByGrant = new Map<string, PivotTokenCompany>();
  const clients = options.clients ?? [SANDBOX_CLIENT, 'other-sp'];
  // Each client is its own sector here.
  const pairwiseSubject = (accountId: string, clientId = SANDBOX_CLIENT) =>
    brokerPairwiseSubject(accountId, clientId, PAIRWISE_SECRET);
  const tokenFormat = (ttlSeconds = DEFAULT_TTL_SECONDS) =>
    pivotTokenFormat({ audience: options.audience, scope: TOKEN_SCOPE, ttlSeconds, encryption });

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
    ttl: { AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? DEFAULT_TTL_SECONDS },
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
          return tokenFormat();
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const { accountId, grantId } = token as { accountId: string; grantId: string };
      const account = accounts.get(accountId);
      if (!account) throw new Error(`unknown account ${accountId}`);
      const company = companyByGrant.get(grantId);
      return {
        ...pivotTokenExtraClaims({ acr: acrByGrant.get(grantId)!, pivot: account.pivot, grantId, accountId }),
        ...(company ? { company } : {}),
      } as unknown as Record<string, unknown>;
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

  const keysByJkt = new Map<string, DpopKey>();
  const keysByToken = new Map<string, DpopKey>();
  const dpopKeyOf = (input: IssueInput) => {
    const key = input.dpopKey ?? newDpopKey();
    keysByJkt.set(key.jkt, key);
    return key;
  };

  const claimsFor = (input: IssueInput) => {
    const now = Math.floor(Date.now() / 1000);
    const clientId = input.clientId ?? SANDBOX_CLIENT;
    const accountId = input.accountId ?? 'account-1';
    return {
      iss: issuer,
      aud: options.audience,
      sub: pairwiseSubject(accountId, clientId),
      client_id: clientId,
      iat: now,
      exp: now + (input.ttlSeconds ?? DEFAULT_TTL_SECONDS),
      jti: randomUUID(),
      scope: TOKEN_SCOPE,
      authorization_details: detailsFor(input),
      cnf: { jkt: dpopKeyOf(input).jkt },
      ...pivotTokenExtraClaims({
        acr: input.acr ?? 'eidas1',
        pivot: input.pivot,
        grantId: input.grantId ?? randomUUID(),
        accountId,
      }),
      ...(input.company ? { company: input.company } : {}),
    };
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    audience: options.audience,
    pairwiseSubject,
    claimsFor,
    dpopKeyFor: (token) => keysByToken.get(token),
    async issue(input) {
      const clientId = input.clientId ?? SANDBOX_CLIENT;
      const accountId = input.accountId ?? `account-${randomUUID()}`;
      const grantId = input.grantId ?? randomUUID();
      accounts.set(accountId, { pivot: input.pivot });
      acrByGrant.set(grantId, input.acr ?? 'eidas1');
      if (input.company) companyByGrant.set(grantId, input.company);
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      const token = new provider.AccessToken({
        client,
        accountId,
        grantId,
        gty: 'authorization_code',
        scope: TOKEN_SCOPE,
        ...(input.ttlSeconds ? { expiresIn: input.ttlSeconds } : {}),
      });
      // What the broker's `authorizationDetailsForAccessToken` returns for a grant holding these operations.
      token.rar = consentedOperations(detailsFor(input)) as never;
      token.resourceServer = new provider.ResourceServer(options.audience, tokenFormat());
      // What oidc-provider does for a token request carrying a DPoP proof.
      const dpopKey = dpopKeyOf(input);
      token.setThumbprint('jkt', dpopKey.jkt);
      const value = await token.save();
      keysByToken.set(value, dpopKey);
      return { token: value, grantId, sub: pairwiseSubject(accountId, clientId), dpopKey };
    },
    async rotateKey() {
      current = await newKey();
      published.push(current.publicJwk);
    },
    async craft(claims, craftOptions = {}) {
      const jws = await new SignJWT(claims)
        .setProtectedHeader({
          alg: PIVOT_TOKEN_SIGNING_ALG,
          typ: PIVOT_TOKEN_TYPE,
          kid: current.kid,
          ...craftOptions.header,
        } as never)
        .sign(craftOptions.key ?? current.privateKey);
      const bound = keysByJkt.get((claims.cnf as { jkt?: string } | undefined)?.jkt ?? '');
      const remember = (token: string) => {
        if (bound) keysByToken.set(token, bound);
        return token;
      };
      if (craftOptions.encrypt === false) return remember(jws);
      const to = craftOptions.encryptTo ?? { key: encryption.key, kid: encryption.kid };
      const jwe = await new CompactEncrypt(new TextEncoder().encode(jws))
        .setProtectedHeader({
          alg: PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
          enc: PIVOT_TOKEN_CONTENT_ENCRYPTION,
          cty: PIVOT_TOKEN_TYPE,
          ...(to.kid ? { kid: to.kid } : {}),
        })
        .encrypt(to.key);
      return remember(jwe);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function detailsFor(input: IssueInput): ConsentedOperation[] {
  return input.operations.map((o) => ({
    type: GRAPHQL_OPERATION,
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
  async upsert(id: string, payload: unknown) {
    MemoryAdapter.store.set(`${this.model}:${id}`, payload);
  }
  async find(id: string) {
    return MemoryAdapter.store.get(`${this.model}:${id}`) as never;
  }
  async findByUserCode() {
    return undefined;
  }
  async findByUid() {
    return undefined;
  }
  async consume() {}
  async destroy(id: string) {
    MemoryAdapter.store.delete(`${this.model}:${id}`);
  }
  async revokeByGrantId() {}
}
