import { randomBytes, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../lib/log.ts';
import { readForm } from '../../lib/web/form.ts';
import type { BrokerClient, SignedIn, SignInChecks, SignInRequest } from './broker-client.ts';
import type { Fail } from './errors.ts';
import { describe } from './failures.ts';
import type { ExpiringStore } from './sessions.ts';
import type { ServiceProviderSettings } from './settings.ts';

/** A sign-in under way: what the callback checks the broker's answer against, and what the service asked for. */
export interface PendingSignIn<Asked> {
  checks: SignInChecks;
  asked: Asked;
}

/** A signed-in citizen: enough to log out, and the service's result once the data is read. */
export interface CitizenSession<Result> {
  /** The broker session's subject (back-channel logout): the actor's under a mandate. */
  sub: string;
  sid: string | undefined;
  name: string | undefined;
  /** Who acts for the citizen, under a mandate (the ID token's `act`). */
  actorName?: string | undefined;
  idToken: string;
  /** Anti-forgery token of this session's forms (logout). */
  csrf: string;
  result?: Result;
}

/** What a service does around the shared sign-in: what it asks for, and what it does with the data. */
export interface SignInFlow<Asked, Result> {
  /** From the "Se connecter" form (empty when posted without one): the request, and what to remember. */
  request(form: URLSearchParams): { request: SignInRequest; asked: Asked };
  /** After the code exchange: reads the data at the gateway and computes what the result page shows. */
  signedIn(signedIn: SignedIn, asked: Asked): Promise<Result>;
  /** Where the citizen goes once the result is kept in the session (e.g. `/permit`). */
  resultPath: string;
}

export interface SignInDeps<Asked, Result> {
  settings: ServiceProviderSettings;
  broker: BrokerClient;
  signIns: ExpiringStore<PendingSignIn<Asked>>;
  sessions: ExpiringStore<CitizenSession<Result>>;
  /** The logged-out page (pages.ts). */
  loggedOut(ctx: Context, page: { local: boolean }): void;
  logger: Logger;
  fail: Fail;
  /** Prefix of the service's cookies (`parking`): services on one host name share its cookies, so each has its own. */
  cookiePrefix: string;
}

/** The service's session cookie helpers, for its own routes. */
export function sessionCookies<Result>(deps: Pick<SignInDeps<unknown, Result>, 'sessions' | 'cookiePrefix'>) {
  const name = `${deps.cookiePrefix}_session`;
  return {
    name,
    sessionOf(ctx: Context) {
      const id = ctx.cookies.get(name, { signed: true });
      return { id, session: deps.sessions.get(id) };
    },
    /** The CSRF token of the session's forms (one begun by this very request included), for the error page's logout button. */
    csrfOf(ctx: Context): string | undefined {
      const begun = (ctx.state as { session?: CitizenSession<Result> }).session;
      return (begun ?? deps.sessions.get(ctx.cookies.get(name, { signed: true })))?.csrf;
    },
  };
}

/**
 * The sign-in routes every sandbox service has, added to `router`:
 *
 *   POST /login                pushes the authorization request, sends the citizen to the broker
 *   GET  /callback             the broker's answer: code → tokens → `flow.signedIn` → `flow.resultPath`
 *   POST /logout               forgets the session, RP-initiated logout at the broker
 *   GET  /logged-out           where the broker sends the citizen back after logout
 *   POST /backchannel-logout   the broker ends a session (OpenID Back-Channel Logout)
 *
 * The service adds its own pages (home, result) to the same router.
 */
export function addSignInRoutes<Asked, Result>(
  router: Router,
  deps: SignInDeps<Asked, Result>,
  flow: SignInFlow<Asked, Result>,
): Router {
  const { settings, broker, signIns, sessions, logger, fail } = deps;
  const secure = new URL(settings.url).protocol === 'https:';
  const signInCookie = `${deps.cookiePrefix}_signin`;
  const cookies = sessionCookies(deps);

  // Starting a sign-in changes nothing for the citizen (the callback is bound to this
  // browser by the cookie, state and PKCE), so it needs no anti-forgery token.
  router.post('/login', async (ctx) => {
    // The plain button sends an empty form (or none, from a script).
    const form = ctx.is('application/x-www-form-urlencoded') ? await readForm(ctx) : new URLSearchParams();
    const { request, asked } = flow.request(form);
    const { url, checks } = await broker.startSignIn(request);
    const id = signIns.add({ checks, asked });
    ctx.cookies.set(signInCookie, id, {
      path: '/callback',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const pending = signIns.take(ctx.cookies.get(signInCookie, { signed: true }));
    ctx.cookies.set(signInCookie, null, { path: '/callback', secure });
    if (!pending) throw fail('SIGN_IN_EXPIRED');
    const signedIn = await broker.finishSignIn(ctx.querystring, pending.checks);

    // A session from now on (so the citizen can log out even if the data cannot be read).
    sessions.delete(cookies.sessionOf(ctx).id);
    const session: CitizenSession<Result> = {
      sub: signedIn.actor?.sub ?? signedIn.sub,
      sid: signedIn.sid,
      name: signedIn.name,
      actorName: signedIn.actor ? (signedIn.actor.name ?? '') : undefined,
      idToken: signedIn.idToken,
      csrf: randomBytes(24).toString('base64url'),
    };
    ctx.cookies.set(cookies.name, sessions.add(session), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure,
      overwrite: true,
    });
    (ctx.state as { session?: CitizenSession<Result> }).session = session;
    session.result = await flow.signedIn(signedIn, pending.asked);
    ctx.status = 303;
    ctx.redirect(flow.resultPath);
  });

  router.post('/logout', async (ctx) => {
    const form = await readForm(ctx);
    const { id, session } = cookies.sessionOf(ctx);
    if (!session) {
      ctx.status = 303;
      return ctx.redirect('/');
    }
    if (!sameToken(form.get('csrf'), session.csrf)) throw fail('FORM_INVALID');
    sessions.delete(id);
    ctx.cookies.set(cookies.name, null, { path: '/', secure });
    const endSession = await broker.endSessionUrl(session.idToken);
    if (!endSession) return deps.loggedOut(ctx, { local: true });
    ctx.status = 303;
    ctx.redirect(endSession.href);
  });

  router.get('/logged-out', (ctx) => {
    deps.loggedOut(ctx, { local: false });
  });

  router.post('/backchannel-logout', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const token = (await readForm(ctx)).get('logout_token');
    try {
      if (!token) throw new Error('no logout_token');
      const { sub, sid } = await broker.verifyLogoutToken(token);
      const ended = sessions.deleteWhere(
        (s) => (sid === undefined || s.sid === sid) && (sub === undefined || s.sub === sub),
      );
      logger.info({ ended }, 'back-channel logout');
      ctx.status = 200;
      ctx.body = '';
    } catch (error) {
      logger.warn({ err: describe(error) }, 'back-channel logout refused');
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'invalid logout token' };
    }
  });

  return router;
}

function sameToken(sent: string | null, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
