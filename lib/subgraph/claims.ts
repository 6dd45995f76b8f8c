import { z } from 'zod';
import { ACR_LEVELS } from '../contracts/eidas.ts';
import { FRANCE_COG, GENDERS, type PivotIdentity } from '../contracts/pivot-identity.ts';

/**
 * The claims of an internal provider token (docs/tokens.md) that a data provider
 * relies on, checked after the signature, issuer, audience and times are verified.
 */
const Name = z.string().trim().min(1).max(256);

export const PivotClaim = z.object({
  given_name: Name,
  family_name: Name,
  birthdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD (00 when unknown)'),
  gender: z.enum(GENDERS).optional(),
  birthcountry: z.string().regex(/^99\d{3}$/, 'must be an INSEE country code'),
  birthplace: z.string().regex(/^(\d{2}|2[AB])\d{3}$/, 'must be an INSEE commune code').optional(),
}).refine((p) => (p.birthcountry === FRANCE_COG) === (p.birthplace !== undefined), {
  message: 'birthplace is required when born in France and absent otherwise',
  path: ['birthplace'],
});

export const ProviderTokenClaims = z.object({
  sub: z.string().min(1).max(255),
  pivot: PivotClaim,
  scope: z.string().max(4096),
  acr: z.enum(ACR_LEVELS).optional(),
  client_id: z.string().optional(),
  jti: z.string().optional(),
  rid: z.string().optional(),
});

export interface ProviderClaims {
  sub: string;
  pivot: PivotIdentity;
  /** Scopes granted for this provider. */
  scopes: ReadonlySet<string>;
  acr?: string | undefined;
  clientId?: string | undefined;
  jti?: string | undefined;
  requestId?: string | undefined;
}

/** Parses the verified payload; the error names the first bad claim (never its value). */
export function readProviderClaims(payload: unknown): { claims: ProviderClaims } | { invalidClaim: string } {
  const parsed = ProviderTokenClaims.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { invalidClaim: issue.path.join('.') || '(payload)' };
  }
  const { sub, pivot, scope, acr, client_id, jti, rid } = parsed.data;
  return {
    claims: {
      sub,
      pivot: pivot as PivotIdentity,
      scopes: new Set(scope.split(' ').filter(Boolean)),
      acr,
      clientId: client_id,
      jti,
      requestId: rid,
    },
  };
}
