/**
 * The sandbox identity providers (stand-ins for impots.gouv.fr, La Poste,
 * ameli.fr and an eIDAS bridge). `passerelle start` starts each one as a
 * component: `sandboxIdentityProviders.impots(context, options)`, ...
 */
import type { StartComponent } from '../../lib/component.ts';
import { SANDBOX_IDP_NAMES, type SandboxIdpName } from './definitions.ts';
import { sandboxIdentityProvider } from './server.ts';

export { SANDBOX_IDP_NAMES, SANDBOX_IDPS, type SandboxIdpName } from './definitions.ts';
export { PIVOT_SCOPE } from './provider.ts';
export { sandboxIdentityProvider };

export const sandboxIdentityProviders = Object.fromEntries(
  SANDBOX_IDP_NAMES.map((name) => [name, sandboxIdentityProvider(name)]),
) as Record<SandboxIdpName, StartComponent>;
