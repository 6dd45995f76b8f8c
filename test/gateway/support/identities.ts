import type { PivotIdentity } from '../../../lib/contracts/pivot-identity.ts';
import { SANDBOX_IDENTITIES } from '../../../sandbox/seed/identities.ts';

/** A sandbox citizen's pivot identity, as the broker would put it in a pivot token. */
export const sandboxIdentity = (login: string): PivotIdentity => {
  const identity = SANDBOX_IDENTITIES[login];
  if (!identity) throw new Error(`no sandbox identity ${login}`);
  return identity;
};

export const MARIE = sandboxIdentity('marie.dupont');
