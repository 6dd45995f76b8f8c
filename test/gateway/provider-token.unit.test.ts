import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { loadGatewayKeys } from '../../gateway/keys.ts';
import { ProviderTokenMinter } from '../../gateway/provider-token.ts';
import { PROVIDER_TOKEN_TYPE } from '../../lib/contracts/provider-token.ts';
import { loadPlatformConfig } from '../../bin/config.ts';
import { MARIE } from './support/identities.ts';

/** The internal token as docs/tokens.md specifies it, verified the way a provider does (jose, the gateway JWKS). */
describe('internal provider tokens', () => {
  const keys = loadGatewayKeys(loadPlatformConfig({ env: {} }));
  const jwks = createLocalJWKSet(keys.publicJwks as { keys: JWK[] });
  const minter = new ProviderTokenMinter({
    issuer: 'http://localhost:4001',
    kid: keys.signing.kid,
    key: keys.signing.key,
    ttlSeconds: 30,
  });

  test('verifies with the published JWKS and carries exactly the specified claims', async () => {
    const token = await minter.mint({
      audience: 'urn:passerelle:dp:dgfip',
      sub: 'pairwise-1',
      pivot: MARIE,
      scopes: ['dgfip_adresse_fiscale', 'dgfip_rfr'],
      acr: 'eidas2',
      clientId: 'parking-nimes',
      requestId: 'req-42',
    });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: 'http://localhost:4001',
      audience: 'urn:passerelle:dp:dgfip',
      algorithms: ['ES256'],
      typ: PROVIDER_TOKEN_TYPE,
      maxTokenAge: '120s',
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: keys.signing.kid, typ: 'passerelle-dp+jwt' });
    expect(Object.keys(payload).sort()).toEqual([
      'acr',
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'pivot',
      'rid',
      'scope',
      'sub',
    ]);
    expect(payload).toMatchObject({
      sub: 'pairwise-1',
      pivot: MARIE,
      scope: 'dgfip_adresse_fiscale dgfip_rfr',
      acr: 'eidas2',
      client_id: 'parking-nimes',
      rid: 'req-42',
    });
    expect(payload.exp! - payload.iat!).toBe(30);
  });

  test('every token is fresh (its own jti) and bound to one audience', async () => {
    const claims = {
      audience: 'urn:passerelle:dp:ants',
      sub: 's',
      pivot: MARIE,
      scopes: [],
      acr: 'eidas1' as const,
      clientId: 'c',
      requestId: 'r',
    };
    const [a, b] = await Promise.all([minter.mint(claims), minter.mint(claims)]);
    const [pa, pb] = await Promise.all([a, b].map(async (t) => (await jwtVerify(t, jwks)).payload));
    expect(pa!.jti).not.toBe(pb!.jti);
    await expect(jwtVerify(a!, jwks, { audience: 'urn:passerelle:dp:dgfip' })).rejects.toThrow(/aud/);
  });

  test('without a service provider (a provider whose catalog does not need it), no client_id claim at all', async () => {
    const token = await minter.mint({
      audience: 'urn:passerelle:dp:dgfip',
      sub: 'provider-sub',
      pivot: MARIE,
      scopes: [],
      acr: 'eidas1',
      requestId: 'r',
    });
    const { payload } = await jwtVerify(token, jwks);
    expect(payload).not.toHaveProperty('client_id');
  });
});
