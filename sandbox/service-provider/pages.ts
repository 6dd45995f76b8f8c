import type { Context } from 'koa';
import type { ComponentCatalog, PasserelleError } from '../../lib/errors/define.ts';
import { ACCESSIBILITY_STATEMENT_PATH } from '../../lib/web/accessibility.ts';
import type { Language } from '../../lib/web/i18n.ts';
import { createPageKit, readMessages, type PageKit } from '../../lib/web/render.ts';
import type { Failure } from './errors.ts';

/**
 * A sandbox service's pages on the shared DSFR kit (lib/web): its own views and messages
 * (`views/`, `messages/fr.json` and `en.json` beside its code), and the pages every
 * service has, from `sandbox/service-provider/views/`: the error page and the logged-out
 * page. The messages those read (`error.*`, `logged-out.*`, `logout`) are the service's own,
 * so each words them for its citizens. The service's name is configured in French; the
 * accessibility statement is the platform's, on the broker.
 */
export function createServicePages(options: {
  /** The service's folder: its `views/` and `messages/` are read from there. */
  folder: URL;
  serviceName: string;
  issuer: string;
  sandbox: boolean;
  /** The service's error catalog (errors.ts), whose messages the error page shows. */
  errors: ComponentCatalog;
  /** Its kind (errors.ts) of each of its codes. */
  kindOf(code: string): Failure | undefined;
}) {
  const fileMessages = {
    fr: readMessages(new URL('./messages/fr.json', options.folder)),
    en: readMessages(new URL('./messages/en.json', options.folder)),
  };
  const messages = {
    fr: { ...fileMessages.fr, 'layout.service.title': options.serviceName },
    en: { ...fileMessages.en, 'layout.service.title': options.serviceName },
  };
  const kitOptions = {
    messages,
    sandbox: options.sandbox,
    serviceTitleLang: 'fr' as const,
    accessibilityStatementUrl: new URL(ACCESSIBILITY_STATEMENT_PATH, options.issuer).href,
  };
  const kit: PageKit = createPageKit({ views: new URL('./views/', options.folder), ...kitOptions });
  const shared: PageKit = createPageKit({ views: new URL('./views/', import.meta.url), ...kitOptions });
  // Forms that lead to the broker (sign-in, logout): the browser checks the redirect against form-action.
  const toBroker = { formAction: [options.issuer] };

  return {
    kit,
    toBroker,
    fileMessages: fileMessages as Record<Language, Record<string, string>>,

    /** An error page; `csrf` (a signed-in citizen's) adds the logout button. */
    error(ctx: Context, error: PasserelleError, page: { csrf?: string | undefined } = {}) {
      const { t, lang } = shared.translator(ctx);
      const internal = Object.keys(options.errors.errors).find((c) => options.kindOf(c) === 'INTERNAL_ERROR')!;
      const code = error.code in options.errors.errors ? error.code : internal;
      const definition = options.errors.errors[code]!;
      const kind = options.kindOf(code);
      const headingKey = `error.heading.${code}`;
      const gatewayCodes = error.details.gatewayCodes;
      shared.render(
        ctx,
        'error',
        {
          code: error.code,
          severity: (kind && SEVERITY[kind]) ?? 'error',
          heading: headingKey in fileMessages[lang] ? t(headingKey) : t('error.heading'),
          message: definition.message[lang],
          brokerCode: typeof error.details.brokerCode === 'string' ? error.details.brokerCode : undefined,
          gatewayCodes: Array.isArray(gatewayCodes) && gatewayCodes.length ? gatewayCodes.join(', ') : undefined,
          retry: !(kind && NO_RETRY.has(kind)),
          csrf: page.csrf,
        },
        { status: definition.status, title: t('error.title'), ...toBroker },
      );
    },

    loggedOut(ctx: Context, page: { local: boolean }) {
      const { t } = shared.translator(ctx);
      shared.render(ctx, 'logged-out', { local: page.local }, { title: t('logged-out.title') });
    },
  };
}

export type ServicePages = ReturnType<typeof createServicePages>;

/** Errors that are a citizen's choice or a passing outage rather than a failure. */
const SEVERITY: Partial<Record<Failure, 'info' | 'warning'>> = {
  CONSENT_REFUSED: 'info',
  SIGN_IN_CANCELLED: 'info',
  SIGN_IN_EXPIRED: 'warning',
  GATEWAY_UNAVAILABLE: 'warning',
  BROKER_UNAVAILABLE: 'warning',
};

/** Kinds after which "start again" makes sense: all but these. */
const NO_RETRY = new Set<Failure>(['PAGE_NOT_FOUND', 'FORM_INVALID']);
