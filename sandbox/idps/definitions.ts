import type { AcrLevel } from '../../lib/contracts/eidas.ts';
import { FRENCH_ACCOUNTS, type AccountClaims } from './accounts.ts';
import { EIDAS_PEOPLE } from './eidas/minimum-data-set.ts';
import { eidasToPivotClaims } from './eidas/to-pivot.ts';

/**
 * The four sandbox identity providers: one generic OpenID provider
 * (`server.ts`) parametrized by these definitions. Their URL, client and
 * secret come from the `identityProviders` entry of the same name in the
 * federation configuration.
 */
export interface SandboxIdpDefinition {
  name: SandboxIdpName;
  /** Shown on its login page. */
  displayName: string;
  /** Highest eIDAS level it can assert. */
  maxAcr: AcrLevel;
  /** Logins of its accounts. */
  logins: string[];
  /** The claims it releases for one of its accounts. */
  claimsOf(login: string): AccountClaims;
}

export const SANDBOX_IDP_NAMES = ['impots', 'laposte', 'ameli', 'eidas'] as const;
export type SandboxIdpName = (typeof SANDBOX_IDP_NAMES)[number];

const french = (
  name: SandboxIdpName,
  displayName: string,
  maxAcr: AcrLevel,
  logins: string[],
): SandboxIdpDefinition => ({
  name,
  displayName,
  maxAcr,
  logins,
  claimsOf: (login) => FRENCH_ACCOUNTS[login]!.claims,
});

export const SANDBOX_IDPS: Record<SandboxIdpName, SandboxIdpDefinition> = {
  impots: french('impots', 'impots.gouv.fr (DGFiP)', 'eidas1', [
    'marie.dupont',
    'jean.martin',
    'lucas.bernard',
    'identite.invalide',
  ]),
  laposte: french('laposte', 'L’Identité Numérique La Poste', 'eidas2', [
    'marie.dupont',
    'jean.martin',
    'lucas.bernard',
    'anne-sophie.lefevre-roy',
  ]),
  ameli: french('ameli', 'ameli.fr (Assurance Maladie)', 'eidas1', ['jean.martin', 'camille.petit', 'yvonne.martin']),
  eidas: {
    name: 'eidas',
    displayName: 'eIDAS — citoyens européens',
    maxAcr: 'eidas3',
    logins: Object.keys(EIDAS_PEOPLE),
    // The bridge holds the eIDAS minimum data set and releases its pivot form.
    claimsOf: (login) => eidasToPivotClaims(EIDAS_PEOPLE[login]!),
  },
};
