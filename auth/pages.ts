import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { createPageKit, readMessages, type PageKit } from '../lib/web/render.ts';
import { isDatabaseUnavailable } from './database-failure.ts';
import { isShownErrorCode, shownErrors, type ShownErrorCode } from './errors.ts';

const messages = {
  fr: readMessages(new URL('./messages/fr.json', import.meta.url)),
  en: readMessages(new URL('./messages/en.json', import.meta.url)),
};

export interface ErrorPageOptions {
  code: ShownErrorCode;
  /** Claim-level failures of a refused identity (names and codes only). */
  failures?: Array<{ claim: string; code: string }>;
  /** A technical description safe to show (library-generated, no values). */
  description?: string | undefined;
  /** Offer "choose another account" (the interaction is still alive). */
  chooseAgainUrl?: string | undefined;
  /** Offer "go back to the service" with access_denied. */
  abortUrl?: string | undefined;
  sp?: string | undefined;
  /** Origins the "go back" form leads to (the SP's redirect URIs). */
  formAction?: readonly string[];
  /** A path showing this error again (the language switch of a page that cannot be reloaded). */
  languageSwitchPath?: string | undefined;
}

/** The broker's pages: chooser, error pages with codes, logout confirmation. */
export function createBrokerPages(options: { sandbox: boolean }) {
  const kit: PageKit = createPageKit({
    views: new URL('./views/', import.meta.url),
    messages,
    sandbox: options.sandbox,
  });

  const error = (ctx: Context, page: ErrorPageOptions) => {
    const definition = shownErrors[page.code];
    const { lang } = kit.translator(ctx);
    kit.render(
      ctx,
      'error',
      {
        code: page.code,
        message: definition.message[lang],
        failures: page.failures ?? [],
        description: page.description,
        chooseAgainUrl: page.chooseAgainUrl,
        abortUrl: page.abortUrl,
        sp: page.sp,
      },
      (t) => ({
        status: definition.status,
        title: t('error.title'),
        formAction: page.formAction ?? [],
        languageSwitchPath: page.languageSwitchPath,
      }),
    );
  };

  return {
    kit,
    error,

    /** oidc-provider's `renderError`: errors it cannot send back to a client (bad redirect_uri...). */
    async renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }, cause: Error) {
      const code = codeForProviderError(ctx, out, cause);
      error(ctx as unknown as Context, {
        code,
        // oidc-provider's "oops! something went wrong" says nothing more than the code.
        description: code === 'BROKER_DATABASE_UNAVAILABLE' ? undefined : out.error_description,
      });
    },

    /** oidc-provider's logout confirmation page; `form` is its hidden form (action and xsrf token). */
    async logoutSource(ctx: KoaContextWithOIDC, form: string) {
      const postLogout = ctx.oidc.client?.postLogoutRedirectUris ?? [];
      kit.render(ctx as unknown as Context, 'logout', { form }, (t) => ({
        title: t('logout.title'),
        formAction: postLogout,
      }));
    },

    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      kit.render(ctx as unknown as Context, 'logged-out', {}, (t) => ({ title: t('logged-out.title') }));
    },
  };
}

export type BrokerPages = ReturnType<typeof createBrokerPages>;

/** Our code for an error oidc-provider renders as a page. */
function codeForProviderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string },
  cause: Error,
): ShownErrorCode {
  const tagged = (cause as { passerelleCode?: unknown }).passerelleCode;
  if (isShownErrorCode(tagged)) return tagged;
  const description = out.error_description ?? '';
  if (ctx.oidc?.route === 'end_session' || ctx.oidc?.route === 'end_session_confirm') return 'LOGOUT_REQUEST_INVALID';
  switch (out.error) {
    case 'invalid_redirect_uri':
      return 'REDIRECT_URI_NOT_REGISTERED';
    case 'invalid_client':
      return 'UNKNOWN_CLIENT';
    case 'invalid_scope':
      return 'SCOPE_NOT_ALLOWED';
    case 'session_not_found':
    case 'invalid_session':
      return 'INTERACTION_EXPIRED';
    case 'server_error':
      return isDatabaseUnavailable(cause) ? 'BROKER_DATABASE_UNAVAILABLE' : 'BROKER_INTERNAL_ERROR';
    default:
      if (/redirect_uri/.test(description)) return 'REDIRECT_URI_NOT_REGISTERED';
      if (/code_challenge/.test(description)) return 'PKCE_REQUIRED';
      if (/Pushed Authorization Request/i.test(description)) return 'PAR_REQUIRED';
      return 'AUTHORIZATION_REQUEST_INVALID';
  }
}
