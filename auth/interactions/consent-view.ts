import type { Language } from '../../lib/web/i18n.ts';
import type { ConsentedOperation } from '../../lib/contracts/pivot-token.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import { COMPANY_SCOPE, IDENTITY_SCOPES, REPRESENTATION_SCOPE } from '../claims.ts';

/**
 * What the consent page says, in the citizen's language: the identity claims the
 * service asks for, then, for each operation, its purpose and the data it reads —
 * grouped by data provider, one line per scope with the catalog's label and
 * description. Never a field path: the catalogs are the vocabulary citizens see.
 */
export interface ConsentView {
  identityClaims: string[];
  operations: Array<{
    purpose: string;
    providers: Array<{
      name: string;
      label: string;
      /** Why this provider is told which service reads, when its catalog says it must be (purpose control). */
      toldWhoReads?: string;
      items: Array<{ scope: string; label: string; description: string }>;
    }>;
  }>;
}

/** Identity claims released by the requested scopes (`sub` is not data about the citizen). */
export function requestedIdentityClaims(scope: unknown): string[] {
  const scopes = typeof scope === 'string' ? scope.split(' ') : [];
  const claims = new Set<string>();
  for (const s of scopes) for (const claim of IDENTITY_SCOPES[s] ?? []) if (claim !== 'sub') claims.add(claim);
  return [...claims];
}

/** Identity scopes (and `representation`, `company`) among those requested: the OIDC scopes a consent grants. */
export function requestedIdentityScopes(scope: unknown): string[] {
  return (typeof scope === 'string' ? scope.split(' ') : []).filter(
    (s) => Object.hasOwn(IDENTITY_SCOPES, s) || s === REPRESENTATION_SCOPE || s === COMPANY_SCOPE,
  );
}

export function consentView(
  contract: BrokerContract,
  operations: readonly ConsentedOperation[],
  claims: readonly string[],
  lang: Language,
  t: (key: string) => string,
): ConsentView {
  const providerOrder = [...contract.catalogs.keys()];
  return {
    identityClaims: claims.map((claim) => t(`claim.${claim}`)),
    operations: operations.map((operation) => {
      const byProvider = new Map<string, ConsentView['operations'][number]['providers'][number]>();
      for (const scope of operation.scopes) {
        const info = contract.scopes.get(scope);
        if (!info) throw new Error(`scope ${scope} is in no catalog`);
        let group = byProvider.get(info.provider);
        if (!group) {
          const { label, serviceProviderIdentity } = contract.catalogs.get(info.provider)!.provider;
          group = {
            name: info.provider,
            label: label[lang],
            ...(serviceProviderIdentity ? { toldWhoReads: serviceProviderIdentity.reason[lang] } : {}),
            items: [],
          };
          byProvider.set(info.provider, group);
        }
        group.items.push({ scope, label: info.label[lang], description: info.description[lang] });
      }
      // Providers and their lines in the catalogs' own order.
      const providers = [...byProvider.values()].sort(
        (a, b) => providerOrder.indexOf(a.name) - providerOrder.indexOf(b.name),
      );
      for (const group of providers) {
        const order = Object.keys(contract.catalogs.get(group.name)!.scopes);
        group.items.sort((a, b) => order.indexOf(a.scope) - order.indexOf(b.scope));
      }
      return { purpose: operation.purpose, providers };
    }),
  };
}

/** French labels of an operation's scopes, for the audit record. */
export function scopeLabels(contract: BrokerContract, scopes: readonly string[]): string[] {
  return scopes.map((s) => contract.scopes.get(s)?.label.fr ?? s);
}
