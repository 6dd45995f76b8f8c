import { createHmac } from 'node:crypto';

/**
 * The citizen's identifier at one data provider (docs/tokens.md, "The provider's own subject for the citizen"):
 *
 *   sub = base64url(HMAC-SHA256(providerSubjectSecret, "passerelle:provider-sub\n" + provider + "\n" + citizenRef))
 *
 * `citizenRef` is the broker's account id (`citizen_ref` of the pivot token), the same for
 * every service provider and sign-in, so a provider gets the same `sub` for a citizen
 * whatever service reads and can keep its own records by it. The provider name makes it
 * pairwise: two providers, or a provider and a service provider (whose `sub` the broker
 * derives with another secret and the sector), cannot link their identifiers without the
 * gateway's secret. The prefix keeps these hashes apart from any other use of the secret.
 */
export function providerSubject(secret: string, provider: string, citizenRef: string): string {
  return createHmac('sha256', secret)
    .update(`passerelle:provider-sub\n${provider}\n${citizenRef}`, 'utf8')
    .digest('base64url');
}
