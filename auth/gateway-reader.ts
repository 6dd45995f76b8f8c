import { randomUUID } from 'node:crypto';
import { CompactEncrypt, SignJWT, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Config } from '../lib/config/load.ts';
import type { AcrLevel } from '../lib/contracts/eidas.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import {
  BROKER_CLIENT_ID,
  GRAPHQL_OPERATION,
  PIVOT_TOKEN_CONTENT_ENCRYPTION,
  PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
  PIVOT_TOKEN_SIGNING_ALG,
  PIVOT_TOKEN_TYPE,
  type ConsentedOperation,
} from '../lib/contracts/pivot-token.ts';
import { operationHash } from '../lib/federation/operation.ts';
import { newDpopKey } from '../lib/http/dpop-key.ts';
import type { SigningKeys } from './keys.ts';
import { pairwiseSubject } from './pairwise.ts';
import type { GatewayEncryptionKey } from './pivot-token.ts';

/**
 * The broker reading through the gateway for itself (docs/companies.md): to list the
 * companies a person represents before asking "Pour quelle entreprise ?", it runs one
 * fixed operation about the signed-in person, with a pivot token of its own —
 * `client_id` BROKER_CLIENT_ID, signed with the broker's key, encrypted to the gateway,
 * bound to a DPoP key of this process, 60 s — so the gateway checks it like any other
 * (operation hash, scopes, revocation, quotas) and records the exchange in the person's
 * history. No grant is stored: the token names a fresh grant id nobody can revoke nor
 * reuse, and is used once.
 */
export interface GatewayRead {
  person: { accountId: string; pivot: PivotIdentity; acr: AcrLevel };
  operation: { name: string; document: string; scopes: string[]; purpose: string };
}

export interface GatewayReader {
  /** The operation's `data`; throws GatewayReadFailed when the gateway or a provider did not answer it whole. */
  read<T>(request: GatewayRead): Promise<T>;
}

export class GatewayReadFailed extends Error {
  override name = 'GatewayReadFailed';
  constructor(
    readonly reason: string,
    readonly codes: string[] = [],
  ) {
    super(`the gateway did not answer the broker's read: ${reason}${codes.length ? ` (${codes.join(', ')})` : ''}`);
  }
}

/** The sector of the broker's own pairwise subjects: unlinkable to any service provider's. */
const BROKER_SECTOR = 'urn:passerelle:sector:passerelle';
const TOKEN_TTL_SECONDS = 60;
const TIMEOUT_MS = 5_000;

export function createGatewayReader(inputs: {
  config: Config;
  issuer: string;
  keys: SigningKeys;
  encryption: GatewayEncryptionKey;
  pairwiseSecret: string;
}): GatewayReader {
  const { config, issuer, keys, encryption, pairwiseSecret } = inputs;
  const dpop = newDpopKey();
  const graphqlUrl = `${config.gateway.url.replace(/\/+$/, '')}/graphql`;
  const kid = keys.active.ES256!;
  let signingKey: Promise<CryptoKey> | undefined;
  const key = () =>
    (signingKey ??= importJWK(
      keys.jwks.keys.find((k) => k.kid === kid) as JWK,
      PIVOT_TOKEN_SIGNING_ALG,
    ) as Promise<CryptoKey>);

  async function pivotToken({ person, operation }: GatewayRead): Promise<string> {
    const consented: ConsentedOperation = {
      type: GRAPHQL_OPERATION,
      operation_name: operation.name,
      operation_hash: operationHash(operation.document),
      scopes: [...operation.scopes].sort(),
      purpose: operation.purpose,
    };
    const now = Math.floor(Date.now() / 1000);
    const jws = await new SignJWT({
      client_id: BROKER_CLIENT_ID,
      scope: operation.scopes.join(' '),
      acr: person.acr,
      pivot: person.pivot,
      grant_id: `${BROKER_CLIENT_ID}-${randomUUID()}`,
      citizen_ref: person.accountId,
      authorization_details: [consented],
      cnf: { jkt: dpop.jkt },
    })
      .setProtectedHeader({ alg: PIVOT_TOKEN_SIGNING_ALG, typ: PIVOT_TOKEN_TYPE, kid })
      .setIssuer(issuer)
      .setAudience(config.gateway.audience)
      .setSubject(pairwiseSubject(person.accountId, BROKER_SECTOR, pairwiseSecret))
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_TTL_SECONDS)
      .sign(await key());
    return new CompactEncrypt(new TextEncoder().encode(jws))
      .setProtectedHeader({
        alg: PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
        enc: PIVOT_TOKEN_CONTENT_ENCRYPTION,
        kid: encryption.kid,
        cty: PIVOT_TOKEN_TYPE,
      })
      .encrypt(encryption.key);
  }

  return {
    async read<T>(request: GatewayRead): Promise<T> {
      const token = await pivotToken(request);
      let response: Response;
      try {
        response = await fetch(graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `DPoP ${token}`,
            dpop: dpop.proof({ htm: 'POST', htu: graphqlUrl, accessToken: token }),
          },
          body: JSON.stringify({ query: request.operation.document, operationName: request.operation.name }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        throw new GatewayReadFailed(error instanceof Error ? error.message : String(error));
      }
      const body = (await response.json().catch(() => undefined)) as
        { data?: T | null; errors?: Array<{ extensions?: { code?: unknown } }> } | undefined;
      const codes = (body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
      if (!response.ok || !body?.data || codes.length) throw new GatewayReadFailed(`HTTP ${response.status}`, codes);
      return body.data;
    },
  };
}
