import { Citizen, consentPage, textOf, type Stop } from '../../../../harness/citizen.ts';
import type { TestPlatform } from '../../../../harness/platform.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  registered,
  serviceProvider,
} from '../../../helpers/service-provider.ts';

export interface Account {
  login: string;
  idp: string;
}

/**
 * A citizen signed in to /mon-compte with the HTTP agent: the broker's chooser, the
 * IdP's login form, back to the dashboard. `get` and `post` are the dashboard's pages
 * and forms (the CSRF token is read from the last page that showed one).
 */
export class DashboardUser {
  readonly citizen: Citizen;
  csrf = '';

  constructor(private readonly platform: TestPlatform) {
    this.citizen = new Citizen(platform);
  }

  /** Signs in from `path` (a sign-in link of the dashboard: `?niveau=eidas2&retour=…`). */
  async signIn(account: Account, path = '/mon-compte/connexion'): Promise<Stop> {
    const stop = await this.citizen.signIn(new URL(path, this.platform.issuer), account);
    this.remember(stop);
    return stop;
  }

  async get(path: string): Promise<Stop> {
    const stop = await this.citizen.go(new URL(path, this.platform.issuer));
    this.remember(stop);
    return stop;
  }

  /** Posts a dashboard form (with the CSRF token unless `fields.csrf` says otherwise); follows redirects. */
  async post(path: string, fields: Record<string, string> = {}): Promise<Stop> {
    const stop = await this.citizen.go(new URL(path, this.platform.issuer), { csrf: this.csrf, ...fields });
    this.remember(stop);
    return stop;
  }

  /** The raw response of a GET (exports: headers and body). */
  fetch(path: string): Promise<Response> {
    return this.citizen.agent.fetch(new URL(path, this.platform.issuer));
  }

  private remember(stop: Stop): void {
    const token = /name="csrf" value="([^"]+)"/.exec(stop.html)?.[1];
    if (token) this.csrf = token;
  }
}

/** The history table's rows as text: "title | details". */
export function historyRows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr data-kind="([^"]+)">([\s\S]*?)<\/tr>/g)].map(
    (m) => `${m[1]} | ${textOf(m[2]!).trim()}`,
  );
}

export interface Journey {
  accessToken: string;
  document: string;
  operation: string;
}

/**
 * A citizen (fresh browser) signs in to a sandbox SP through `account.idp` and allows
 * (or refuses) one registered operation; allowed, the SP exchanges the code.
 */
export async function consentJourney(
  platform: TestPlatform,
  clientId: string,
  operation: string,
  account: Account,
  options: { decision?: 'allow' | 'refuse'; purpose?: string; acr?: string } = {},
): Promise<Journey | undefined> {
  const sp = await serviceProvider(platform, clientId);
  const { url, checks } = await authorizationUrl(sp, {
    details: [registered(operation, options.purpose)],
    ...(options.acr ? { acr: options.acr } : {}),
  });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, account));
  const callback = await citizen.decide(page, options.decision ?? 'allow');
  if (options.decision === 'refuse') return undefined;
  const tokens = await redeemCode(sp, callback.url, checks);
  return { accessToken: tokens.access_token, document: sp.operation(operation), operation };
}

/** The SP runs its consented operation at the gateway. */
export function runAtGateway(platform: TestPlatform, journey: Journey): Promise<{ status: number; body: any }> {
  return postGraphQL(platform, journey.accessToken, journey.document, journey.operation);
}
