import { createHmac } from 'node:crypto';
import { providerSubject } from '../../gateway/provider-subject.ts';

/** Each provider's own identifier for a citizen (gateway/provider-subject.ts, docs/tokens.md). */
describe("a provider's subject", () => {
  const secret = 'test-provider-subject-secret';

  test('is the documented HMAC: base64url of SHA-256 over the prefix, the provider and the citizen reference', () => {
    const expected = createHmac('sha256', secret)
      .update('passerelle:provider-sub\ndgfip\naccount-1', 'utf8')
      .digest('base64url');
    expect(providerSubject(secret, 'dgfip', 'account-1')).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('is stable for one citizen at one provider', () => {
    expect(providerSubject(secret, 'ants', 'account-1')).toBe(providerSubject(secret, 'ants', 'account-1'));
  });

  test('differs between providers, between citizens and between secrets', () => {
    const subjects = [
      providerSubject(secret, 'dgfip', 'account-1'),
      providerSubject(secret, 'ants', 'account-1'),
      providerSubject(secret, 'cnaf', 'account-1'),
      providerSubject(secret, 'dgfip', 'account-2'),
      providerSubject('another-secret', 'dgfip', 'account-1'),
    ];
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  test('does not contain the citizen reference it is derived from', () => {
    expect(providerSubject(secret, 'dgfip', 'account-1')).not.toContain('account-1');
  });
});
