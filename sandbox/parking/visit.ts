import { Agent } from '../../lib/http/agent.ts';

/**
 * A citizen's visit to the parking service, over HTTP without a browser: the
 * home page, "Se connecter avec Passerelle", the broker's chooser, the identity
 * provider's login form, the broker's consent page, back to the service, its
 * result. Each request is reported as a step. The demo (`npm run demo`) prints
 * them; the end-to-end tests check the outcome. It reads pages as a citizen
 * would — forms, links, the page refresh — and nothing else.
 */
export interface VisitOptions {
  parkingUrl: string;
  login: string;
  /** The identity provider to choose at the broker. */
  idp: string;
  password?: string;
  /** The citizen's answer on the consent page. */
  consent?: 'allow' | 'refuse';
  /** Cancel on the identity provider's login form instead of signing in. */
  cancelAtIdp?: boolean;
  /**
   * "Faire la démarche pour un proche" (docs/parking.md "Acting for someone"), then on the
   * broker's "for whom" page: `self`, or the name of the person represented ("Yvonne Martin").
   */
  actingFor?: string;
  onStep?(step: VisitStep): void;
  /** Every page read (not the redirects), for tests that check what was shown. */
  onPage?(url: URL, html: string): void;
  agent?: Agent;
}

export interface VisitStep {
  /** Who answered: parking, broker, or the identity provider's host. */
  site: string;
  method: string;
  url: URL;
  status: number;
  /** What the step was, in a few words (the page title, or where a redirect leads). */
  note: string;
}

export type VisitOutcome =
  | {
      kind: 'permit';
      vehicles: Array<{ plate: string; monthlyCents: number }>;
      explanation: string;
      html: string;
      agent: Agent;
    }
  | { kind: 'ineligible'; reason: string; explanation: string; html: string; agent: Agent }
  | { kind: 'error'; code: string; html: string; agent: Agent };

const MAX_STEPS = 40;

export async function visitParking(options: VisitOptions): Promise<VisitOutcome> {
  const agent = options.agent ?? new Agent();
  const parking = new URL(options.parkingUrl).origin;
  const brokerSeen = new Set<string>();
  const siteOf = (url: URL) =>
    url.origin === parking ? 'parking' : brokerSeen.has(url.origin) ? 'broker' : `idp ${options.idp}`;

  const go = async (method: 'GET' | 'POST', url: URL, form?: Record<string, string>) => {
    const response = await agent.fetch(url, { method, ...(form ? { form } : {}) });
    const location = response.headers.get('location');
    const html = location ? (await response.arrayBuffer(), '') : await response.text();
    const next = location ? new URL(location, url) : undefined;
    // The sign-in button leads to the broker.
    if (next && url.origin === parking && url.pathname === '/login') brokerSeen.add(next.origin);
    const note = next ? `→ ${siteOf(next)} ${next.pathname}` : titleOf(html);
    options.onStep?.({ site: siteOf(url), method, url, status: response.status, note });
    if (!next) options.onPage?.(url, html);
    return { status: response.status, url, html, next };
  };

  let page = await go('GET', new URL('/', parking));
  if (!page.html.includes('action="/login"')) throw new Error(`no sign-in button on ${page.url.href}`);
  page = await go('POST', new URL('/login', parking), options.actingFor ? { for: 'someone' } : {});

  for (let steps = 0; steps < MAX_STEPS; steps++) {
    if (page.next) {
      page = await go('GET', page.next);
      continue;
    }
    const { html, url } = page;
    if (url.origin === parking) return outcomeOf(html, agent, url);
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html)?.[1];
    const forms = formsOf(html, url);
    const chooser = forms.find((f) => /\/interaction\/[^/]+\/idp$/.test(f.action.pathname));
    const login = forms.find((f) => f.fields.has('password') || /name="password"/.test(f.body));
    const consent = forms.find((f) => /consent/.test(f.action.pathname));
    const forWhom = forms.find((f) => /\/representation$/.test(f.action.pathname));
    const goBack = forms.find((f) => /\/abort$/.test(f.action.pathname));
    if (refresh) {
      page = await go('GET', new URL(decodeHtml(refresh), url));
    } else if (chooser) {
      page = await go('POST', chooser.action, { ...Object.fromEntries(chooser.fields), idp: options.idp });
    } else if (login && !options.cancelAtIdp) {
      page = await go('POST', login.action, {
        ...Object.fromEntries(login.fields),
        login: options.login,
        password: options.password ?? '123',
        sandbox_acr: '',
      });
    } else if (forWhom) {
      page = await go('POST', forWhom.action, {
        ...Object.fromEntries(forWhom.fields),
        choice: choiceFor(forWhom, options),
      });
    } else if (consent) {
      page = await go('POST', consent.action, consentAnswer(consent, options.consent ?? 'allow'));
    } else if (goBack) {
      // The identity provider's "cancel", or the broker's error page's "back to the service".
      page = await go('POST', goBack.action, Object.fromEntries(goBack.fields));
    } else {
      throw new Error(`stuck on ${url.href} (${page.status} ${titleOf(html)})`);
    }
  }
  throw new Error(`more than ${MAX_STEPS} steps: the visit does not end`);
}

/**
 * Signing out from the permit page: the service's logout button, the broker's
 * confirmation ("Me déconnecter"), back to the service's logged-out page.
 */
export async function signOut(
  outcome: VisitOutcome,
  options: { parkingUrl: string; onStep?(step: VisitStep): void },
): Promise<{ url: URL; status: number; html: string }> {
  const parking = new URL(options.parkingUrl).origin;
  const base = new URL('/permit', parking);
  const logout = formsOf(outcome.html, base).find(
    (f) => f.action.origin === parking && f.action.pathname === '/logout',
  );
  if (!logout) throw new Error('no logout button on the page');
  let form: Record<string, string> | undefined = Object.fromEntries(logout.fields);
  let url = logout.action;
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const response = await outcome.agent.fetch(url, form ? { method: 'POST', form } : {});
    const location = response.headers.get('location');
    const html = location ? (await response.arrayBuffer(), '') : await response.text();
    options.onStep?.({
      site: url.origin === parking ? 'parking' : 'broker',
      method: form ? 'POST' : 'GET',
      url,
      status: response.status,
      note: location ? `→ ${new URL(location, url).pathname}` : titleOf(html),
    });
    if (location) {
      [url, form] = [new URL(location, url), undefined];
      continue;
    }
    if (url.origin === parking) return { url, status: response.status, html };
    // The broker asks to confirm: its form is filled by the button named "logout".
    const confirm = formsOf(html, url)[0];
    const button = /<button[^>]*name="logout" value="([^"]+)"/.exec(html)?.[1];
    if (!confirm || !button) throw new Error(`stuck on ${url.href} while signing out`);
    [url, form] = [confirm.action, { ...Object.fromEntries(confirm.fields), logout: button }];
  }
  throw new Error('signing out does not end');
}

interface Form {
  action: URL;
  fields: Map<string, string>;
  body: string;
  buttons: Array<{ name: string; value: string }>;
}

/** Every POST form of a page: its action, hidden fields and named submit buttons. */
function formsOf(html: string, base: URL): Form[] {
  return [...html.matchAll(/<form\b[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/gi)].map(
    ([, action, body]) => {
      const fields = new Map<string, string>();
      for (const [, input] of body!.matchAll(/<input\b([^>]*)>/gi)) {
        const name = attribute(input!, 'name');
        if (name && attribute(input!, 'type') === 'hidden') fields.set(name, attribute(input!, 'value') ?? '');
      }
      const buttons = [...body!.matchAll(/<button\b([^>]*)>/gi)]
        .map(([, attrs]) => ({ name: attribute(attrs!, 'name') ?? '', value: attribute(attrs!, 'value') ?? '' }))
        .filter((b) => b.name);
      return { action: new URL(decodeHtml(action!), base), fields, body: body!, buttons };
    },
  );
}

/** The "for whom" radio button of `actingFor`: `self`, or the one labelled with that name. */
function choiceFor(form: Form, options: VisitOptions): string {
  const wanted = options.actingFor ?? 'self';
  const choices = [...form.body.matchAll(/<input\b[^>]*name="choice" value="([^"]+)"[^>]*>\s*<label[^>]*>([^<]*)/gi)];
  const choice = choices.find(([, value, label]) =>
    wanted === 'self' ? value === 'self' : decodeHtml(label!).includes(wanted),
  );
  if (!choice) throw new Error(`no choice "${wanted}" on the "for whom" page (${form.action.pathname})`);
  return decodeHtml(choice[1]!);
}

/** The consent form's hidden fields and the button that means allow (or refuse). */
function consentAnswer(form: Form, answer: 'allow' | 'refuse'): Record<string, string> {
  const wanted =
    answer === 'allow' ? /^(allow|accept|approve|yes|consent|grant)/i : /^(refuse|deny|reject|no|decline)/i;
  const button = form.buttons.find((b) => wanted.test(b.value));
  if (!button) throw new Error(`no "${answer}" button on the consent page (${form.action.pathname})`);
  return { ...Object.fromEntries(form.fields), [button.name]: button.value };
}

function outcomeOf(html: string, agent: Agent, url: URL): VisitOutcome {
  const error = /data-error-code="([A-Z_]+)"/.exec(html)?.[1];
  if (error) return { kind: 'error', code: error, html, agent };
  const reason = /data-reason="([A-Z_]+)"[^>]*>[\s\S]*?<p>([\s\S]*?)<\/p>/.exec(html);
  if (reason)
    return { kind: 'ineligible', reason: reason[1]!, explanation: decodeHtml(reason[2]!.trim()), html, agent };
  const vehicles = [...html.matchAll(/data-plate="([^"]+)" data-monthly-cents="(\d+)"/g)].map(([, plate, cents]) => ({
    plate: decodeHtml(plate!),
    monthlyCents: Number(cents),
  }));
  const explanation = decodeHtml(/fr-alert--success[\s\S]*?<p>([\s\S]*?)<\/p>/.exec(html)?.[1]?.trim() ?? '');
  if (vehicles.length) return { kind: 'permit', vehicles, explanation, html, agent };
  throw new Error(`the parking service answered ${url.pathname} with neither a price nor an error`);
}

function attribute(attributes: string, name: string): string | undefined {
  const raw = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(attributes)?.[1];
  return raw === undefined ? undefined : decodeHtml(raw);
}

function titleOf(html: string): string {
  return decodeHtml(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1]?.trim() ?? '');
}

/** The entities eta's escaping (and the DSFR pages) produce. */
function decodeHtml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39|#x27|nbsp);/g,
    (entity) =>
      ({
        '&amp;': '&',
        '&lt;': '<',
        '&gt;': '>',
        '&quot;': '"',
        '&#39;': "'",
        '&#x27;': "'",
        '&nbsp;': ' ',
      })[entity]!,
  );
}
