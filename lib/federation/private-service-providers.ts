import { ConfigError } from '../config/load.ts';
import type { ServiceProvider } from '../config/sections/service-providers.ts';
import type { ScopeInfo } from './compose.ts';

/**
 * A private service provider (`serviceProviders[].private`: a company, not a public
 * service) may be entitled only to the scopes whose catalog entry allows it
 * (`privateServiceProviders: true`): a provider's data goes to private companies only
 * where that provider says so, scope by scope; a scope that says nothing is refused
 * (docs/service-providers.md#private-service-providers). Checked at the broker's start-up,
 * so a registration that would let a company read, say, a family quotient never runs:
 * the message names every such SP and scope at once. Identity scopes (`openid`,
 * `given_name`…) are in no catalog and are not concerned.
 */
export function checkPrivateServiceProviders(
  serviceProviders: readonly Pick<ServiceProvider, 'clientId' | 'private' | 'scopes'>[],
  scopes: ReadonlyMap<string, Pick<ScopeInfo, 'provider' | 'privateServiceProviders'>>,
): void {
  const problems: string[] = [];
  for (const sp of serviceProviders) {
    if (!sp.private) continue;
    for (const scope of sp.scopes) {
      const info = scopes.get(scope);
      if (info && !info.privateServiceProviders)
        problems.push(
          `serviceProviders[${sp.clientId}].scopes: "${scope}" cannot be granted to a private service provider ` +
            `(${info.provider}'s catalog does not allow it: subgraphs/${info.provider}/catalog.json, privateServiceProviders)`,
        );
    }
  }
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length)
    throw new ConfigError(`private service providers:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
