import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from '../../lib/log.ts';
import { isAcrLevel } from '../../lib/contracts/eidas.ts';
import { decideAcr, lowerLevels } from './acr.ts';
import { SANDBOX_PASSWORD } from './accounts.ts';
import type { SandboxIdpDefinition } from './definitions.ts';
import { renderPage } from './pages.ts';

/**
 * The IdP's interaction pages (oidc-provider hands the browser over to
 * `/interaction/:uid` whenever the user must act). Every authorization shows
 * the login form — a sandbox IdP keeps no single sign-on, which also honours
 * `prompt=login`. The eIDAS level is decided before the form is shown: a level
 * above the IdP's maximum ends the request with an OpenID error.
 */
const BAD_CREDENTIALS =
  'Identifiant ou mot de passe incorrect. Vérifiez votre saisie ; le mot de passe de tous les comptes de test est 123.';
const MAX_FORM_BYTES = 8 * 1024;

export function interactionRoutes(provider: Provider, definition: SandboxIdpDefinition, logger: Logger) {
  const router = new Router();
  const page = { idpName: definition.name, displayName: definition.displayName };

  const loginPage = async (ctx: Context, form: { login?: string; error?: string } = {}): Promise<void> => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const decision = decideAcr(details.params.acr_values as string | undefined, definition.maxAcr);
    if (!decision.ok) {
      logger.info({ event: 'authorization.refused', reason: decision.error }, 'requested eIDAS level refused');
      return finish(ctx, { error: decision.error, error_description: decision.description });
    }
    const client = await provider.Client.find(String(details.params.client_id));
    ctx.type = 'html';
    ctx.body = renderPage('login', {
      ...page,
      title: form.error ? 'Erreur de connexion' : 'Connexion',
      uid: details.uid,
      clientName: client?.clientName ?? String(details.params.client_id),
      requestedAcr: details.params.acr_values ? decision.acr : undefined,
      acr: decision.acr,
      lowerLevels: lowerLevels(decision.acr),
      accounts: definition.logins,
      exampleLogin: definition.logins[0],
      login: form.login ?? (details.params.login_hint as string | undefined) ?? '',
      error: form.error,
    });
  };

  const finish = async (ctx: Context, result: Parameters<Provider['interactionResult']>[2]): Promise<void> => {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };

  router.get('/interaction/:uid', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    await loginPage(ctx);
  });

  router.post('/interaction/:uid/login', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const form = await readForm(ctx);
    const login = (form.get('login') ?? '').trim();
    if (!definition.logins.includes(login) || !samePassword(form.get('password') ?? '')) {
      logger.info({ event: 'login.failed' }, 'bad credentials');
      ctx.status = 401;
      return loginPage(ctx, { login, error: BAD_CREDENTIALS });
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const decision = decideAcr(details.params.acr_values as string | undefined, definition.maxAcr);
    if (!decision.ok) return finish(ctx, { error: decision.error, error_description: decision.description });

    // Sandbox knob: answer with a lower level than asked, to test the broker's check.
    const override = form.get('sandbox_acr') ?? '';
    if (override && !(isAcrLevel(override) && lowerLevels(decision.acr).includes(override))) {
      ctx.status = 400;
      return loginPage(ctx, {
        login,
        error: 'Option « Niveau eIDAS renvoyé » invalide : choisissez un niveau proposé.',
      });
    }
    const acr = override || decision.acr;
    logger.info({ event: 'login.succeeded', acr, loweredAcr: Boolean(override) }, 'signed in');
    await finish(ctx, { login: { accountId: login, acr, amr: ['pwd'], remember: false } });
  });

  router.post('/interaction/:uid/abort', async (ctx) => {
    await finish(ctx, { error: 'access_denied', error_description: 'the user cancelled the sign-in' });
  });

  return router.routes();
}

function samePassword(given: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(SANDBOX_PASSWORD);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The urlencoded form body, bounded in size. */
async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) ctx.throw(415, 'expected a form submission');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) ctx.throw(413, 'form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
