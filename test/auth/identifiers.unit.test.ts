import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { requestedAcr } from '../../auth/acr.ts';
import { compareAcr, reachesAcr } from '../../lib/contracts/eidas.ts';
import { selectSigningKeys } from '../../auth/keys.ts';
import { accountIdFor, canonicalPivot, pairwiseSubject } from '../../auth/pairwise.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';

const anne: PivotIdentity = {
  given_name: 'Anne-Sophie Hélène',
  family_name: 'Lefèvre-Roy',
  birthdate: '1978-09-09',
  gender: 'female',
  birthcountry: '99100',
  birthplace: '75115',
};
const SECRET = 'test-secret';

describe('pairwise subject', () => {
  test('the canonical identity ignores case, accents and separators, not facts', () => {
    const spelledOtherwise = { ...anne, given_name: 'ANNE SOPHIE HELENE', family_name: 'lefevre  roy' };
    expect(canonicalPivot(spelledOtherwise)).toBe(canonicalPivot(anne));
    expect(canonicalPivot({ ...anne, birthdate: '1978-09-10' })).not.toBe(canonicalPivot(anne));
    expect(canonicalPivot({ ...anne, birthplace: '75116' })).not.toBe(canonicalPivot(anne));
  });

  test('stable for one sector, different across sectors and secrets', () => {
    const account = accountIdFor(anne, SECRET);
    expect(accountIdFor({ ...anne, family_name: 'LEFEVRE ROY' }, SECRET)).toBe(account);
    const nimes = pairwiseSubject(account, 'urn:passerelle:sector:nimes.fr', SECRET);
    expect(pairwiseSubject(account, 'urn:passerelle:sector:nimes.fr', SECRET)).toBe(nimes);
    expect(pairwiseSubject(account, 'urn:passerelle:sector:caf.fr', SECRET)).not.toBe(nimes);
    expect(pairwiseSubject(accountIdFor(anne, 'other'), 'urn:passerelle:sector:nimes.fr', 'other')).not.toBe(nimes);
    expect(nimes).toMatch(/^[\w-]{43}$/);
    expect(nimes).not.toBe(account);
  });
});

describe('levels of assurance', () => {
  test('the lowest known value wins; unknown values are refused; absent means the default', () => {
    expect(requestedAcr('eidas3 eidas2', 'eidas1')).toBe('eidas2');
    expect(requestedAcr('eidas2', 'eidas1')).toBe('eidas2');
    expect(requestedAcr(undefined, 'eidas2')).toBe('eidas2');
    expect(requestedAcr('eidas2 eidas9', 'eidas1')).toBeUndefined();
    expect(reachesAcr('eidas3', 'eidas2')).toBe(true);
    expect(reachesAcr('eidas2', 'eidas2')).toBe(true);
    expect(reachesAcr('eidas1', 'eidas2')).toBe(false);
    expect(reachesAcr(undefined, 'eidas1')).toBe(false);
    expect(reachesAcr(undefined, undefined)).toBe(true);
    expect(compareAcr('eidas1', 'eidas3')).toBeLessThan(0);
    expect(compareAcr('eidas9', 'eidas1')).toBeLessThan(0);
  });
});

describe('signing keys', () => {
  const key = async (alg: 'ES256' | 'RS256', kid: string): Promise<JWK> => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    return { ...(await exportJWK(privateKey)), alg, kid, use: 'sig' };
  };

  test('the first key of each algorithm signs; the others stay published (rotation)', async () => {
    const [current, next, rsa] = [await key('ES256', 'current'), await key('ES256', 'next'), await key('RS256', 'rsa')];
    expect(selectSigningKeys([current, rsa, next]).active).toEqual({ ES256: 'current', RS256: 'rsa' });
    expect(selectSigningKeys([next, rsa, current]).active).toEqual({ ES256: 'next', RS256: 'rsa' });
  });

  test('refuses sets that could weaken signatures', async () => {
    const es = await key('ES256', 'a');
    expect(() => selectSigningKeys([{ ...es, kid: undefined } as JWK])).toThrow(/kid/);
    expect(() => selectSigningKeys([{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256', kid: 'h' }])).toThrow(/alg/);
    expect(() => selectSigningKeys([{ ...es, alg: 'none' }])).toThrow(/alg/);
    expect(() => selectSigningKeys([{ ...es, d: undefined }])).toThrow(/private/);
    expect(() => selectSigningKeys([es, { ...es }])).toThrow(/duplicate/);
    const rsaOnly = await key('RS256', 'r');
    expect(() => selectSigningKeys([rsaOnly])).toThrow(/ES256 key is required/);
  });
});
