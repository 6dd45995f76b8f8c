import { createHmac } from 'node:crypto';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';

/**
 * Citizen identifiers (docs/broker.md "Pairwise subject"):
 *
 *   canonical  = JSON array of the normalized pivot identity (see `canonicalPivot`)
 *   accountId  = base64url(HMAC-SHA256(pairwiseSecret, "passerelle:account\n" + canonical))
 *   sub        = base64url(HMAC-SHA256(pairwiseSecret, "passerelle:sub\n" + sectorIdentifier + "\n" + accountId))
 *
 * `accountId` is internal to the broker (sessions, grants, events). Service
 * providers only ever see `sub`: one value per sector, the same at every sign-in,
 * whatever identity provider the citizen used, and not linkable across sectors
 * without the server secret.
 */
export function canonicalPivot(identity: PivotIdentity): string {
  return JSON.stringify([
    normalizeName(identity.given_name),
    normalizeName(identity.family_name),
    identity.birthdate,
    identity.gender ?? '',
    identity.birthcountry,
    identity.birthplace ?? '',
  ]);
}

/**
 * Upper case, no accents, words separated by one space: "Lefèvre-Roy" and
 * "LEFEVRE ROY" are one name, as identity providers spell names differently.
 */
function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function accountIdFor(identity: PivotIdentity, secret: string): string {
  return hmac(secret, `passerelle:account\n${canonicalPivot(identity)}`);
}

export function pairwiseSubject(accountId: string, sectorIdentifier: string, secret: string): string {
  return hmac(secret, `passerelle:sub\n${sectorIdentifier}\n${accountId}`);
}

function hmac(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('base64url');
}
