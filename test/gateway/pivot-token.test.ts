import { createPublicKey } from 'node:crypto';
import { generateKeyPair, UnsecuredJWT, CompactEncrypt, type JWK } from 'jose';
import { loadPlatformConfig } from '../../bin/config.ts';
import { loadGatewayKeys } from '../../gateway/keys.ts';
import { PivotTokenVerifier, type PivotTokenVerifierOptions } from '../../gateway/pivot-token.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { startPivotIssuer, type IssueInput, type PivotIssuer } from '../../harness/pivot-issuer.ts';
import { MARIE } from './support/identities.ts';

const keys = loadGatewayKeys(loadPlatformConfig({ env: {} }));
const AUDIENCE = 'http://gateway.test';
let issuer: PivotIssuer;
let verifier: PivotTokenVerifier;
const consent: IssueInput = {
  pivot: MARIE,
  acr: 'eidas2',
  operations: [{ hash: 'h'.repeat(43), operationName: 'Parking', scopes: ['dgfip_adresse_fiscale', 'ants_vehicules'] }],
};

function makeVerifier(overrides: Partial<PivotTokenVerifierOptions> = {}) {
  return new PivotTokenVerifier({
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    audience: AUDIENCE,
    decryptionKeys: keys.decryption,
    maxLifetimeSeconds: 600,
    clockToleranceSeconds: 5,
    cacheSize: 100,
    ...overrides,
  });
}
async function refusal(token: string, v = verifier): Promise<string> {
  try {
    await v.verify(token);
  } catch (error) {
    if (isPasserelleError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

beforeAll(async () => {
  issuer = await startPivotIssuer({ gatewayJwks: keys.publicJwks as { keys: JWK[] }, audience: AUDIENCE });
  verifier = makeVerifier();
});
afterAll(() => issuer.close());

describe('pivot token verification', () => {
  test('accepts a token issued by oidc-provider as the broker is configured, and reads its claims', async () => {
    const { token, grantId, sub } = await issuer.issue({ ...consent, accountId: 'marie' });
    expect(token.split('.')).toHaveLength(5);
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({
      sub,
      clientId: 'parking-nimes',
      acr: 'eidas2',
      grantId,
      pivot: MARIE,
      citizenRef: 'marie',
    });
    expect(sub).toBe(issuer.pairwiseSubject('marie'));
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.operations).toEqual([
      {
        type: 'graphql_operation',
        operation_hash: 'h'.repeat(43),
        operation_name: 'Parking',
        scopes: ['dgfip_adresse_fiscale', 'ants_vehicules'],
        purpose: 'test',
      },
    ]);
  });

  test('the service provider cannot read the pivot identity: the token is encrypted', async () => {
    const { token } = await issuer.issue(consent);
    const decoded = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    expect(decoded).not.toContain('Dupont');
    expect(decoded).not.toContain('30189');
  });

  test('refuses a bare JWS, even correctly signed: it would expose the pivot identity', async () => {
    expect(await refusal(await issuer.craft(issuer.claimsFor(consent), { encrypt: false }))).toBe(
      'PIVOT_TOKEN_NOT_ENCRYPTED',
    );
  });

  test('refuses alg none (bare, and inside a JWE)', async () => {
    const unsecured = new UnsecuredJWT(issuer.claimsFor(consent)).encode();
    expect(await refusal(unsecured)).toBe('PIVOT_TOKEN_NOT_ENCRYPTED');
    const wrapped = await new CompactEncrypt(new TextEncoder().encode(unsecured))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'at+jwt', kid: [...keys.decryption.keys()][0]! })
      .encrypt(createPublicKey(keys.decryption.values().next().value!));
    expect(await refusal(wrapped)).toBe('PIVOT_TOKEN_ALG_NOT_ALLOWED');
  });

  test('refuses a token signed by another key (bad signature)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    expect(await refusal(await issuer.craft(issuer.claimsFor(consent), { key: privateKey }))).toBe(
      'PIVOT_TOKEN_SIGNATURE_INVALID',
    );
  });

  test('refuses another issuer, another audience', async () => {
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), iss: 'http://evil.test' }))).toBe(
      'PIVOT_TOKEN_ISSUER_UNKNOWN',
    );
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), aud: 'http://other-api.test' }))).toBe(
      'PIVOT_TOKEN_AUDIENCE_INVALID',
    );
  });

  test('refuses expired and not-yet-valid tokens (with 5 s tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), iat: now - 120, exp: now - 60 }))).toBe(
      'PIVOT_TOKEN_EXPIRED',
    );
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), nbf: now + 60 }))).toBe(
      'PIVOT_TOKEN_NOT_YET_VALID',
    );
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), iat: now + 60, exp: now + 120 }))).toBe(
      'PIVOT_TOKEN_NOT_YET_VALID',
    );
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), iat: now - 3, exp: now - 1 }))).toBe(
      'accepted',
    );
  });

  test('a cached token still expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.craft({ ...issuer.claimsFor(consent), iat: now - 10, exp: now - 3 });
    const v = makeVerifier({ clockToleranceSeconds: 5 });
    expect(await refusal(token, v)).toBe('accepted');
    await new Promise((r) => setTimeout(r, 2100));
    expect(await refusal(token, v)).toBe('PIVOT_TOKEN_EXPIRED');
  });

  test('expired tokens leave the cache as new ones come, not only when it is full', async () => {
    const now = Math.floor(Date.now() / 1000);
    const v = makeVerifier({ clockToleranceSeconds: 5, cacheSize: 100 });
    const old = await issuer.craft({ ...issuer.claimsFor(consent), iat: now - 10, exp: now - 3 });
    expect(await refusal(old, v)).toBe('accepted');
    expect(v.cachedTokens).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await refusal(await issuer.craft(issuer.claimsFor(consent)), v)).toBe('accepted');
    expect(v.cachedTokens).toBe(1);
  });

  test('refuses a lifetime above the maximum, missing or invalid claims, tokens not bound to a DPoP key', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), exp: now + 3600 }))).toBe(
      'PIVOT_TOKEN_CLAIMS_INVALID',
    );
    const { pivot: _p, ...noPivot } = issuer.claimsFor(consent);
    expect(await refusal(await issuer.craft(noPivot))).toBe('PIVOT_TOKEN_CLAIMS_INVALID');
    const { grant_id: _g, ...noGrant } = issuer.claimsFor(consent);
    expect(await refusal(await issuer.craft(noGrant))).toBe('PIVOT_TOKEN_CLAIMS_INVALID');
    // Without the broker's account id no provider's own subject can be derived (gateway/provider-subject.ts).
    const { citizen_ref: _c, ...noCitizenRef } = issuer.claimsFor(consent);
    expect(await refusal(await issuer.craft(noCitizenRef))).toBe('PIVOT_TOKEN_CLAIMS_INVALID');
    expect(await refusal(await issuer.craft({ ...issuer.claimsFor(consent), acr: 'eidas9' }))).toBe(
      'PIVOT_TOKEN_CLAIMS_INVALID',
    );
    expect(
      await refusal(await issuer.craft({ ...issuer.claimsFor(consent), pivot: { ...MARIE, birthplace: undefined } })),
    ).toBe('PIVOT_TOKEN_CLAIMS_INVALID');
    expect(
      await refusal(await issuer.craft({ ...issuer.claimsFor(consent), pivot: { ...MARIE, email: 'x@y.z' } })),
    ).toBe('PIVOT_TOKEN_CLAIMS_INVALID');
    const badDetail = {
      ...issuer.claimsFor(consent),
      authorization_details: [{ type: 'graphql_operation', operation_hash: 'short', scopes: [] }],
    };
    expect(await refusal(await issuer.craft(badDetail))).toBe('PIVOT_TOKEN_CLAIMS_INVALID');
    const { cnf: _k, ...unbound } = issuer.claimsFor(consent);
    expect(await refusal(await issuer.craft(unbound))).toBe('PIVOT_TOKEN_NOT_SENDER_CONSTRAINED');
    // A certificate binding (mTLS) is not a DPoP key: nothing the gateway can check.
    const mtls = { ...issuer.claimsFor(consent), cnf: { 'x5t#S256': 'abc' } };
    expect(await refusal(await issuer.craft(mtls))).toBe('PIVOT_TOKEN_NOT_SENDER_CONSTRAINED');
  });

  test('refuses a wrong typ', async () => {
    expect(await refusal(await issuer.craft(issuer.claimsFor(consent), { header: { typ: 'JWT' } }))).toBe(
      'PIVOT_TOKEN_TYPE_INVALID',
    );
  });

  test('refuses tokens encrypted to another key, damaged or malformed', async () => {
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    expect(
      await refusal(
        await issuer.craft(issuer.claimsFor(consent), { encryptTo: { key: other.publicKey, kid: 'other' } }),
      ),
    ).toBe('PIVOT_TOKEN_UNDECRYPTABLE');
    expect(
      await refusal(
        await issuer.craft(issuer.claimsFor(consent), {
          encryptTo: { key: other.publicKey, kid: [...keys.decryption.keys()][0]! },
        }),
      ),
    ).toBe('PIVOT_TOKEN_UNDECRYPTABLE');
    const { token } = await issuer.issue(consent);
    const parts = token.split('.');
    parts[3] = parts[3]!.slice(0, -4) + (parts[3]!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await refusal(parts.join('.'))).toBe('PIVOT_TOKEN_UNDECRYPTABLE');
    expect(await refusal('not a token')).toBe('PIVOT_TOKEN_MALFORMED');
    expect(await refusal('a.b')).toBe('PIVOT_TOKEN_MALFORMED');
    expect(await refusal('e30.e30.e30.e30.e30')).toBe('PIVOT_TOKEN_TYPE_INVALID');
  });

  test('refuses any other encryption profile than ECDH-ES / A256GCM', async () => {
    const { token } = await issuer.issue(consent);
    const [, gatewayKey] = [...keys.decryption][0]!;
    const kid = [...keys.decryption.keys()][0]!;
    const publicKey = createPublicKey(gatewayKey);
    // The same signed token, re-encrypted to the gateway key with other algorithms.
    const jws = new TextEncoder().encode(await issuer.craft(issuer.claimsFor(consent), { encrypt: false }));
    for (const [alg, enc] of [
      ['ECDH-ES+A256KW', 'A256GCM'],
      ['ECDH-ES', 'A128GCM'],
      ['ECDH-ES', 'A256CBC-HS512'],
    ]) {
      const jwe = await new CompactEncrypt(jws)
        .setProtectedHeader({ alg: alg!, enc: enc!, kid, cty: 'at+jwt' })
        .encrypt(publicKey);
      expect(await refusal(jwe)).toBe('PIVOT_TOKEN_UNDECRYPTABLE');
    }
    expect(await refusal(token)).toBe('accepted');
  });

  test('refetches the broker keys on an unknown kid (key rotation without restart)', async () => {
    const v = makeVerifier({ jwksCooldownMs: 0 });
    expect(await refusal((await issuer.issue(consent)).token, v)).toBe('accepted');
    await issuer.rotateKey();
    expect(await refusal(await issuer.craft(issuer.claimsFor(consent)), v)).toBe('accepted');
  });

  test('an unreachable broker JWKS is a 503, not the token fault', async () => {
    const v = makeVerifier({ jwksUri: 'http://127.0.0.1:9/jwks' });
    const error = await v.verify((await issuer.issue(consent)).token).catch((e: unknown) => e);
    expect(isPasserelleError(error) && [error.code, error.status]).toEqual(['BROKER_KEYS_UNAVAILABLE', 503]);
  });
});
