import { accountIdFor, pairwiseSubject } from '../../auth/pairwise.ts';
import { createMandateStore, type Mandate } from '../../auth/mandates/store.ts';
import type { Domain } from '../../lib/contracts/domains.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { textOf, type Citizen, type Stop } from '../../harness/citizen.ts';
import type { TestPlatform } from '../../harness/platform.ts';

/**
 * Acting for someone in tests (docs/mandates.md): who is who (account ids and pairwise
 * subjects of the sandbox citizens), a mandate made the way the dashboard makes one
 * (proposed by the mandator, accepted by the representative with the code), and the
 * broker's "for whom" page read and answered.
 */
export const YVONNE_MANDATE = 'mdt_sandbox_yvonne_jean';

function pairwiseSecret(platform: Pick<TestPlatform, 'config'>): string {
  return platform.config.secret(platform.config.broker.pairwiseSecret, 'broker.pairwiseSecret');
}

export function accountOf(platform: Pick<TestPlatform, 'config'>, login: string): string {
  return accountIdFor(SANDBOX_IDENTITIES[login]!, pairwiseSecret(platform));
}

/** The pairwise `sub` of `login` for service provider `clientId`. */
export function subOf(platform: Pick<TestPlatform, 'config'>, login: string, clientId: string): string {
  const sp = platform.config.serviceProviders.find((s) => s.clientId === clientId)!;
  return pairwiseSubject(accountOf(platform, login), sp.sectorIdentifier, pairwiseSecret(platform));
}

/** An active mandate from `mandator` to `representative` for `domains`, proposed and accepted. */
export async function giveMandate(
  platform: Pick<TestPlatform, 'config' | 'pool'>,
  mandator: string,
  representative: string,
  domains: Domain[],
): Promise<Mandate> {
  const store = createMandateStore(platform.pool);
  const them = SANDBOX_IDENTITIES[representative]!;
  const startsAt = new Date();
  const { code } = await store.propose({
    mandator: { accountId: accountOf(platform, mandator), pivot: SANDBOX_IDENTITIES[mandator]! },
    representative: {
      family_name: them.family_name,
      given_name: them.given_name.split(' ')[0]!,
      birthdate: them.birthdate,
    },
    domains,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 30 * 86400_000),
  });
  return store.accept(code, { accountId: accountOf(platform, representative), pivot: them });
}

/** The "for whom" page's form: interaction, one-time token, and the choices offered. */
export interface ForWhomPage extends Stop {
  uid: string;
  token: string;
  /** Radio values (`self`, mandate ids) with their labels. */
  choices: Array<{ value: string; label: string }>;
}

export function forWhomPage(stop: Stop): ForWhomPage {
  const uid = /action="\/interaction\/([^/"]+)\/representation"/.exec(stop.html)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(stop.html)?.[1];
  if (!uid || !token)
    throw new Error(`not a "for whom" page (${stop.status} at ${stop.url.href}): ${stop.html.slice(0, 300)}`);
  const choices = [...stop.html.matchAll(/name="choice" value="([^"]+)"[^>]*>\s*<label[^>]*>([^<]*)/g)].map(
    ([, value, label]) => ({ value: value!, label: label!.trim() }),
  );
  return { ...stop, uid, token, choices };
}

/** Answers the "for whom" page (any `choice`, offered or forged), following redirects. */
export function choose(
  platform: Pick<TestPlatform, 'issuer'>,
  citizen: Citizen,
  page: ForWhomPage,
  choice: string,
  token: string = page.token,
): Promise<Stop> {
  return citizen.go(new URL(`/interaction/${page.uid}/representation`, platform.issuer), { token, choice });
}

/** The code of a broker error page. */
export function errorCodeOf(stop: Stop): string | undefined {
  return /(?:Code d’erreur :|Error code:) ([A-Z_]+)/.exec(textOf(stop.html))?.[1];
}
