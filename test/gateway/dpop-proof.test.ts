import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { accessTokenHash, verifyDpopProof, type DpopProofInput } from '../../gateway/dpop-proof.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';

const HTU = 'http://gateway.test/graphql';
const TOKEN = 'eyJhbGciOi.fake.pivot-token';
let privateKey: CryptoKey;
let publicJwk: JWK;
let privateJwk: JWK;
let jkt: string;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  privateJwk = await exportJWK(pair.privateKey);
  jkt = await calculateJwkThumbprint(publicJwk, 'sha256');
});

interface ProofOptions {
  header?: Record<string, unknown>;
  claims?: JWTPayload;
  key?: CryptoKey | Uint8Array;
  alg?: string;
}

function sign({ header = {}, claims = {}, key = privateKey, alg = 'ES256' }: ProofOptions = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ htm: 'POST', htu: HTU, iat: now, jti: randomUUID(), ath: accessTokenHash(TOKEN), ...claims })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: publicJwk, ...header })
    .sign(key);
}

/** One set per test: the single-use store stand-in is in-memory, the module only sees the callback. */
function input(proof: string | undefined, seen = new Set<string>()): DpopProofInput {
  return {
    proof,
    accessToken: TOKEN,
    jkt,
    htu: HTU,
    htm: 'POST',
    claimJti: async (jti) => {
      if (seen.has(jti)) return false;
      seen.add(jti);
      return true;
    },
  };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!isPasserelleError(error)) throw error;
    return { code: error.code, reason: (error.details as { reason?: string } | undefined)?.reason };
  }
  throw new Error('the proof was accepted');
}

test('a well-formed proof is accepted, and only once', async () => {
  const seen = new Set<string>();
  const proof = await sign();
  await expect(verifyDpopProof(input(proof, seen))).resolves.toBeUndefined();
  expect(await refusal(verifyDpopProof(input(proof, seen)))).toEqual({ code: 'DPOP_PROOF_REPLAYED' });
});

test('htu is compared without query and fragment', async () => {
  await expect(verifyDpopProof(input(await sign({ claims: { htu: `${HTU}?a=1#x` } })))).resolves.toBeUndefined();
});

test('a missing proof is refused', async () => {
  expect(await refusal(verifyDpopProof(input(undefined)))).toEqual({ code: 'DPOP_PROOF_MISSING' });
});

const now = () => Math.floor(Date.now() / 1000);
const cases: [string, () => Promise<string>, string][] = [
  ['wrong typ', () => sign({ header: { typ: 'JWT' } }), 'typ'],
  ['HS256', () => sign({ alg: 'HS256', key: new Uint8Array(32) }), 'alg'],
  ['alg none', async () => `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: publicJwk })}.${b64(claims())}.`, 'alg'],
  ['no jwk', () => sign({ header: { jwk: undefined } }), 'jwk'],
  ['private jwk', () => sign({ header: { jwk: privateJwk } }), 'jwk_private'],
  ['bad signature', async () => `${(await sign()).slice(0, -4)}AAAA`, 'signature'],
  ['wrong htm', () => sign({ claims: { htm: 'GET' } }), 'htm'],
  ['wrong htu', () => sign({ claims: { htu: 'http://evil.test/graphql' } }), 'htu'],
  ['old iat', () => sign({ claims: { iat: now() - 61 } }), 'iat'],
  ['future iat', () => sign({ claims: { iat: now() + 6 } }), 'iat'],
  ['missing ath', () => sign({ claims: { ath: undefined } }), 'ath'],
  ['wrong ath', () => sign({ claims: { ath: accessTokenHash('another token') } }), 'ath'],
  ['missing jti', () => sign({ claims: { jti: undefined } }), 'jti'],
];

test.each(cases)('%s is refused as DPOP_PROOF_INVALID', async (_name, make, reason) => {
  expect(await refusal(verifyDpopProof(input(await make())))).toEqual({ code: 'DPOP_PROOF_INVALID', reason });
});

test('a proof signed by another key than cnf.jkt is refused', async () => {
  const other = await generateKeyPair('ES256', { extractable: true });
  const proof = await sign({ key: other.privateKey, header: { jwk: await exportJWK(other.publicKey) } });
  expect(await refusal(verifyDpopProof(input(proof)))).toEqual({ code: 'DPOP_KEY_MISMATCH' });
});

test('a refused proof does not burn its jti', async () => {
  const seen = new Set<string>();
  await refusal(verifyDpopProof(input(await sign({ claims: { jti: 'jti-burn-test', htm: 'GET' } }), seen)));
  expect(seen.size).toBe(0);
});

function claims() {
  return { htm: 'POST', htu: HTU, iat: now(), jti: randomUUID(), ath: accessTokenHash(TOKEN) };
}

function b64(value: unknown) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
