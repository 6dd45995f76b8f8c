import { KeyObject, createDecipheriv, createHash, createPublicKey, diffieHellman, verify, type webcrypto, type JsonWebKey } from 'node:crypto';

/**
 * The one JOSE profile pivot tokens use, on node:crypto directly: JWE compact with
 * `alg: ECDH-ES` (direct key agreement, P-256) and `enc: A256GCM` (RFC 7516, RFC 7518
 * §4.6 and §5.3), and JWS compact ES256 (RFC 7515, RFC 7518 §3.4). This is the
 * gateway's hottest path: jose's WebCrypto route costs ~0.7 ms per token, this one
 * ~0.15 ms. Anything outside the profile is refused, not negotiated. Tests check it
 * against tokens made by jose and oidc-provider, and against tampered ones.
 */
export class JoseProfileError extends Error {
  override name = 'JoseProfileError';
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string, what: string): Buffer {
  if (!B64URL.test(part)) throw new JoseProfileError(`${what} is not base64url`);
  return Buffer.from(part, 'base64url');
}

/** A base64url JSON object (a header), or throws. */
export function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodePart(part, what).toString('utf8'));
  } catch {
    throw new JoseProfileError(`${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new JoseProfileError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Decrypts a compact JWE made with ECDH-ES / A256GCM to `key` (a P-256 private key).
 * Returns the plaintext; throws JoseProfileError on anything else or any tampering.
 */
export function decryptEcdhEsA256Gcm(parts: readonly string[], header: Record<string, unknown>, key: KeyObject): Buffer {
  const [protectedPart, encryptedKey, ivPart, ciphertextPart, tagPart] = parts;
  if (parts.length !== 5) throw new JoseProfileError('not a compact JWE');
  if (header.alg !== 'ECDH-ES' || header.enc !== 'A256GCM') throw new JoseProfileError('unsupported alg/enc');
  if (header.zip !== undefined || header.crit !== undefined) throw new JoseProfileError('zip and crit are not supported');
  if (encryptedKey !== '') throw new JoseProfileError('ECDH-ES has no encrypted key');

  const epk = header.epk as Record<string, unknown> | undefined;
  if (!epk || epk.kty !== 'EC' || epk.crv !== 'P-256' || typeof epk.x !== 'string' || typeof epk.y !== 'string') throw new JoseProfileError('invalid epk');
  let ephemeral: KeyObject;
  try {
    // OpenSSL refuses points that are not on the curve (invalid-curve attacks).
    ephemeral = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y }, format: 'jwk' });
  } catch {
    throw new JoseProfileError('invalid epk');
  }
  const apu = typeof header.apu === 'string' ? decodePart(header.apu, 'apu') : Buffer.alloc(0);
  const apv = typeof header.apv === 'string' ? decodePart(header.apv, 'apv') : Buffer.alloc(0);

  let sharedSecret: Buffer;
  try {
    sharedSecret = diffieHellman({ privateKey: key, publicKey: ephemeral });
  } catch {
    throw new JoseProfileError('key agreement failed');
  }
  const cek = concatKdf(sharedSecret, 'A256GCM', apu, apv, 256);

  const iv = decodePart(ivPart!, 'iv');
  const tag = decodePart(tagPart!, 'tag');
  if (iv.length !== 12 || tag.length !== 16) throw new JoseProfileError('invalid iv or tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(protectedPart!, 'ascii'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(decodePart(ciphertextPart!, 'ciphertext')), decipher.final()]);
  } catch {
    throw new JoseProfileError('decryption failed');
  }
}

/** RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A) with SHA-256, one round for 256 bits. */
function concatKdf(sharedSecret: Buffer, algorithmId: string, apu: Buffer, apv: Buffer, keyBits: 256): Buffer {
  const lengthPrefixed = (data: Buffer) => Buffer.concat([uint32(data.length), data]);
  return createHash('sha256')
    .update(uint32(1))
    .update(sharedSecret)
    .update(lengthPrefixed(Buffer.from(algorithmId, 'ascii')))
    .update(lengthPrefixed(apu))
    .update(lengthPrefixed(apv))
    .update(uint32(keyBits))
    .digest();
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/** Whether the ES256 signature of a compact JWS verifies with `key`. */
export function verifyEs256(parts: readonly string[], key: KeyObject): boolean {
  if (parts.length !== 3) return false;
  const signature = decodePart(parts[2]!, 'signature');
  if (signature.length !== 64) return false;
  return verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
}

const keyObjects = new WeakMap<object, KeyObject>();

/** The node KeyObject of a public key a JWKS resolver returned (WebCrypto key, KeyObject or JWK), converted once. */
export function keyObjectOf(key: unknown): KeyObject {
  if (key instanceof KeyObject) return key;
  if (!key || typeof key !== 'object' || key instanceof Uint8Array) throw new JoseProfileError('not an asymmetric public key');
  let cached = keyObjects.get(key);
  if (!cached) {
    // Duck-typed: a CryptoKey from another realm (test VMs) fails `instanceof`.
    const isCryptoKey = 'algorithm' in key && 'usages' in key && 'extractable' in key;
    cached = isCryptoKey ? KeyObject.from(key as webcrypto.CryptoKey) : createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
    if (cached.type !== 'public') throw new JoseProfileError('not a public key');
    keyObjects.set(key, cached);
  }
  return cached;
}
