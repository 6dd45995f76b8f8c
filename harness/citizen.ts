import { Agent, formAction } from '../lib/http/agent.ts';
import type { TestPlatform } from './platform.ts';

/**
 * A citizen's browser, without a browser: follows the broker's redirects, picks an
 * identity provider on the chooser, logs in there (password 123), moves on from the
 * "identity verified" page, and stops at the consent page — or wherever the journey
 * ends: a service provider's redirect URI (never fetched: the SP is the test), or
 * an error page.
 */
export interface Stop {
  url: URL;
  status: number;
  html: string;
}

export interface ConsentPage extends Stop {
  uid: string;
  /** The form's one-time token. */
  token: string;
}

export class Citizen {
  readonly agent = new Agent();

  constructor(private readonly platform: Pick<TestPlatform, 'issuer' | 'config'>) {}

  /** From the SP's authorization URL to the consent page (or another stop). */
  async signIn(start: URL, account: { login: string; idp: string }): Promise<Stop> {
    let stop = await this.go(start);
    if (this.onBroker(stop) && stop.url.pathname.startsWith('/interaction/') && stop.html.includes('/idp"')) {
      stop = await this.go(new URL(`${stop.url.pathname}/idp`, this.platform.issuer), { idp: account.idp });
    }
    if (stop.status === 200 && !this.onBroker(stop) && !this.atServiceProvider(stop.url)) {
      const action = formAction(stop.html);
      if (!action) throw new Error(`no login form at ${stop.url.href}`);
      stop = await this.go(new URL(action, stop.url), { login: account.login, password: '123' });
    }
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(stop.html)?.[1];
    if (refresh) stop = await this.go(new URL(refresh.replaceAll('&amp;', '&'), stop.url));
    return stop;
  }

  /** Clicks "allow" or "refuse" on a consent page; ends at the SP's redirect URI (or an error page). */
  decide(page: ConsentPage, decision: 'allow' | 'refuse', fields: Record<string, string> = {}): Promise<Stop> {
    return this.go(new URL(`/interaction/${page.uid}/consent`, this.platform.issuer), {
      token: page.token,
      decision,
      ...fields,
    });
  }

  /** GET or form POST, then redirects until a page or the SP. */
  async go(url: URL, form?: Record<string, string>): Promise<Stop> {
    const { response, url: last } = await this.agent.follow(url, {
      stopAt: (u) => this.atServiceProvider(u),
      ...(form ? { init: { form } } : {}),
    });
    return { url: last, status: response.status, html: response.status === 299 ? '' : await response.text() };
  }

  private onBroker(stop: Stop): boolean {
    return stop.url.origin === new URL(this.platform.issuer).origin;
  }

  atServiceProvider(url: URL): boolean {
    return this.platform.config.serviceProviders.some((sp) =>
      sp.metadata.redirect_uris.some((uri) => new URL(uri).origin === url.origin),
    );
  }
}

/** The consent page's form: interaction and one-time token. */
export function consentPage(stop: Stop): ConsentPage {
  const uid = /action="\/interaction\/([^/"]+)\/consent"/.exec(stop.html)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(stop.html)?.[1];
  if (!uid || !token)
    throw new Error(`not a consent page (${stop.status} at ${stop.url.href}): ${stop.html.slice(0, 300)}`);
  return { ...stop, uid, token };
}

/** Page text without tags, for assertions on what the citizen reads. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ');
}
