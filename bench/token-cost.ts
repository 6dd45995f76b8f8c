import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { accessTokenHash, verifyDpopProof } from '../gateway/dpop-proof.ts';
import { loadGatewayKeys } from '../gateway/keys.ts';
import { PivotTokenVerifier } from '../gateway/pivot-token.ts';
import { ProviderTokenMinter } from '../gateway/provider-token.ts';
import { loadPlatformConfig } from '../bin/config.ts';
import { startPivotIssuer } from '../harness/pivot-issuer.ts';

/**
 * The per-request cryptographic cost of the gateway, measured in-process:
 * verifying a pivot token (decrypt + signature + claims), with and without the
 * verified-token cache, checking one DPoP proof (CPU only: the jti register is an
 * in-memory set here, the PostgreSQL insert is measured by the full bench), and minting
 * one internal provider token.
 * Run: npx tsx bench/token-cost.ts
 */
const PIVOT = {
  given_name: 'Marie',
  family_name: 'Dupont',
  birthdate: '1985-04-12',
  gender: 'female',
  birthcountry: '99100',
  birthplace: '30189',
} as const;

export async function measureTokenCost(iterations = 2000): Promise<Record<string, number>> {
  const keys = loadGatewayKeys(loadPlatformConfig({ env: {} }));
  const issuer = await startPivotIssuer({
    gatewayJwks: keys.publicJwks as { keys: JWK[] },
    audience: 'http://gateway.bench',
  });
  try {
    const tokens = await Promise.all(
      Array.from({ length: iterations }, () =>
        issuer.issue({
          pivot: PIVOT,
          operations: [
            {
              hash: 'h'.repeat(43),
              operationName: 'Parking',
              scopes: ['dgfip_adresse_fiscale', 'ants_vehicules', 'ants_critair', 'cnaf_quotient_familial'],
            },
          ],
        }),
      ),
    );
    const options = {
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      audience: 'http://gateway.bench',
      decryptionKeys: keys.decryption,
      maxLifetimeSeconds: 600,
      clockToleranceSeconds: 5,
    };
    const uncached = new PivotTokenVerifier({ ...options, cacheSize: 0 });
    await uncached.verify(tokens[0]!.token); // JWKS fetched once
    const perCall = async (run: (i: number) => unknown) => {
      const started = performance.now();
      for (let i = 0; i < iterations; i++) await run(i);
      return ((performance.now() - started) / iterations) * 1000;
    };
    const verifyUncached = await perCall((i) => uncached.verify(tokens[i]!.token));
    const cached = new PivotTokenVerifier({ ...options, cacheSize: 10 });
    await cached.verify(tokens[0]!.token);
    const verifyCached = await perCall(() => cached.verify(tokens[0]!.token));
    const minter = new ProviderTokenMinter({
      issuer: 'http://gateway.bench',
      kid: keys.signing.kid,
      key: keys.signing.key,
      ttlSeconds: 30,
    });
    const mint = await perCall((i) =>
      minter.mint({
        audience: 'urn:passerelle:dp:dgfip',
        sub: `s${i}`,
        pivot: PIVOT,
        scopes: ['dgfip_adresse_fiscale'],
        acr: 'eidas1',
        clientId: 'parking-nimes',
        requestId: `r${i}`,
      }),
    );
    const dpopKey = await generateKeyPair('ES256');
    const dpopJwk = await exportJWK(dpopKey.publicKey);
    const jkt = await calculateJwkThumbprint(dpopJwk, 'sha256');
    const htu = 'http://gateway.bench/graphql';
    const accessToken = tokens[0]!.token;
    const proofs = await Promise.all(
      Array.from({ length: iterations }, () =>
        new SignJWT({ htm: 'POST', htu, jti: randomUUID(), ath: accessTokenHash(accessToken) })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: dpopJwk })
          .setIssuedAt()
          .sign(dpopKey.privateKey),
      ),
    );
    const seen = new Set<string>();
    const claimJti = async (jti: string) => !seen.has(jti) && Boolean(seen.add(jti));
    const dpop = await perCall((i) =>
      verifyDpopProof({ proof: proofs[i], accessToken, jkt, htu, htm: 'POST', claimJti }),
    );
    return {
      'pivot token verification, first use (µs)': verifyUncached,
      'DPoP proof verification, per request (µs)': dpop,
      'pivot token verification, reused token (µs)': verifyCached,
      'internal token minting, per provider (µs)': mint,
    };
  } finally {
    await issuer.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [what, micros] of Object.entries(await measureTokenCost())) console.log(`${what}: ${micros.toFixed(1)}`);
}
