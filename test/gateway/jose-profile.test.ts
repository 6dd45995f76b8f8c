import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CompactEncrypt, CompactSign, generateKeyPair } from 'jose';
import { JoseProfileError, decodeJsonPart, decryptEcdhEsA256Gcm, verifyEs256 } from '../../gateway/jose-profile.ts';

/** The node:crypto JOSE profile against what jose produces, and against tampering. */
const recipient = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const plaintext = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig';

async function encrypt(header: Record<string, unknown> = {}, parameters: { apu?: Uint8Array; apv?: Uint8Array } = {}) {
  const jwe = new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', ...header });
  if (parameters.apu || parameters.apv) jwe.setKeyManagementParameters(parameters);
  return jwe.encrypt(recipient.publicKey);
}
const decrypt = (token: string) => {
  const parts = token.split('.');
  return decryptEcdhEsA256Gcm(parts, decodeJsonPart(parts[0]!, 'header'), recipient.privateKey).toString('utf8');
};

describe('JWE ECDH-ES / A256GCM on node:crypto', () => {
  test('decrypts what jose encrypts, with or without apu/apv', async () => {
    expect(decrypt(await encrypt())).toBe(plaintext);
    expect(decrypt(await encrypt({}, { apu: new TextEncoder().encode('Alice'), apv: new TextEncoder().encode('Bob') }))).toBe(plaintext);
  });

  test('refuses other algorithms, zip, crit', async () => {
    const other = await new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' }).encrypt(recipient.publicKey);
    expect(() => decrypt(other)).toThrow(JoseProfileError);
    const wrapped = await new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' }).encrypt(recipient.publicKey);
    expect(() => decrypt(wrapped)).toThrow(/unsupported alg/);
    const parts = (await encrypt()).split('.');
    const header = decodeJsonPart(parts[0]!, 'header');
    expect(() => decryptEcdhEsA256Gcm(parts, { ...header, zip: 'DEF' }, recipient.privateKey)).toThrow(/zip and crit/);
    expect(() => decryptEcdhEsA256Gcm(parts, { ...header, crit: ['exp'] }, recipient.privateKey)).toThrow(/zip and crit/);
  });

  test('refuses any tampering: header (AAD), iv, ciphertext, tag', async () => {
    const token = await encrypt();
    const parts = token.split('.');
    for (const index of [0, 2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[index]!, 'base64url');
      bytes[bytes.length - 1]! ^= 1;
      tampered[index] = bytes.toString('base64url');
      expect(() => decrypt(tampered.join('.'))).toThrow(JoseProfileError);
    }
  });

  test('refuses an ephemeral key that is not on the curve (invalid-curve attack)', async () => {
    const parts = (await encrypt()).split('.');
    const header = decodeJsonPart(parts[0]!, 'header');
    const epk = header.epk as { x: string; y: string };
    const y = Buffer.from(epk.y, 'base64url');
    y[31]! ^= 1;
    const forged = { ...header, epk: { ...epk, y: y.toString('base64url') } };
    expect(() => decryptEcdhEsA256Gcm(parts, forged, recipient.privateKey)).toThrow(/invalid epk/);
  });

  test('a key of another recipient does not decrypt', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const parts = (await encrypt()).split('.');
    expect(() => decryptEcdhEsA256Gcm(parts, decodeJsonPart(parts[0]!, 'header'), other.privateKey)).toThrow(/decryption failed/);
  });
});

describe('JWS ES256 on node:crypto', () => {
  test('verifies what jose signs, and nothing else', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jws = await new CompactSign(new TextEncoder().encode('{"a":1}')).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const key = createPublicKey({ key: await (await import('jose')).exportJWK(publicKey) as never, format: 'jwk' });
    expect(verifyEs256(jws.split('.'), key)).toBe(true);
    const [h, , s] = jws.split('.');
    expect(verifyEs256([h!, Buffer.from('{"a":2}').toString('base64url'), s!], key)).toBe(false);
    expect(verifyEs256([h!, jws.split('.')[1]!, ''], key)).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyEs256(jws.split('.'), other.publicKey)).toBe(false);
  });
});

