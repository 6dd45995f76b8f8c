import { randomBytes, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../lib/log.ts';
import { readForm } from '../../lib/web/form.ts';
import type { BrokerClient, SignInChecks } from './broker-client.ts';
import { parkingErrors } from './errors.ts';
import { describe } from './failures.ts';
import { readCitizenRecords } from './gateway-client.ts';
import type { CitizenRecords } from './operation.ts';
import type { ParkingPages } from './pages.ts';
import { quote, type Quote } from './pricing.ts';
import type { ExpiringStore } from './sessions.ts';
import type { ParkingSettings } from './settings.ts';

/** A sign-in under way: what the callback checks the broker's answer against. */
export interface PendingSignIn {
  checks: SignInChecks;
}

/** A signed-in citizen: enough to log out, and the permit once the data is read. */
export interface CitizenSession {
  /** The broker session's subject (back-channel logout): the actor's under a mandate. */
  sub: string;
  sid: string | undefined;
  name: string | undefined;
  /** Who acts for the citizen, under a mandate (the ID token's `act`). */
  actorName?: string | undefined;
  idToken: string;
  /** Anti-forgery token of this session's forms (logout). */
  csrf: string;
  permit?: { quote: Quote; records: CitizenRecords; readAt: Date };
}

export interface RouteDeps {
  settings: ParkingSettings;
  broker: BrokerClient;
  pages: ParkingPages;
  signIns: ExpiringStore<PendingSignIn>;
  sessions: ExpiringStore<CitizenSession>;
  logger: Logger;
}

const SIGN_IN_COOKIE = 'parking_signin';
const SESSION_COOKIE = 'parking_session';

/**
 *   GET  /                     home: what the permit is, the tariff, "Se connecter avec Passerelle"
 *   POST /login                pushes the authorization request, sends the citizen to the broker
 *                              (`for=someone`: for a relative, under a mandate: docs/parking.md)
 *   GET  /callback             the broker's answer: code → tokens → the gateway → the price
 *   GET  /permit               the price per vehicle and the data used
 *   POST /logout               forgets the session, RP-initiated logout at the broker
 *   GET  /logged-out           where the broker sends the citizen back after logout
 *   POST /backchannel-logout   the broker ends a session (OpenID Back-Channel Logout)
 */
export function parkingRoutes(deps: RouteDeps): Router {
  const { settings, broker, pages, signIns, sessions, logger } = deps;
  const secure = new URL(settings.url).protocol === 'https:';
  const sessionOf = (ctx: Context) => {
    const id = ctx.cookies.get(SESSION_COOKIE, { signed: true });
    return { id, session: sessions.get(id) };
  };
  const router = new Router();

  router.get('/', (ctx) => {
    pages.home(ctx, { signedIn: !!sessionOf(ctx).session });
  });

  // Starting a sign-in changes nothing for the citizen (the callback is bound to this
  // browser by the cookie, state and PKCE), so it needs no anti-forgery token.
  router.post('/login', async (ctx) => {
    // The plain button sends an empty form (or none, from a script): for oneself.
    const forSomeone = ctx.is('application/x-www-form-urlencoded')
      ? (await readForm(ctx)).get('for') === 'someone'
      : false;
    const { url, checks } = await broker.startSignIn({ forSomeone });
    const id = signIns.add({ checks });
    ctx.cookies.set(SIGN_IN_COOKIE, id, {
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
    const pending = signIns.take(ctx.cookies.get(SIGN_IN_COOKIE, { signed: true }));
    ctx.cookies.set(SIGN_IN_COOKIE, null, { path: '/callback', secure });
    if (!pending) throw parkingErrors.error('PARKING_SIGN_IN_EXPIRED');
    const signedIn = await broker.finishSignIn(ctx.querystring, pending.checks);

    // A session from now on (so the citizen can log out even if the data cannot be read).
    sessions.delete(sessionOf(ctx).id);
    const session: CitizenSession = {
      sub: signedIn.actor?.sub ?? signedIn.sub,
      sid: signedIn.sid,
      name: signedIn.name,
      actorName: signedIn.actor ? (signedIn.actor.name ?? '') : undefined,
      idToken: signedIn.idToken,
      csrf: randomBytes(24).toString('base64url'),
    };
    ctx.cookies.set(SESSION_COOKIE, sessions.add(session), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure,
      overwrite: true,
    });
    (ctx.state as { session?: CitizenSession }).session = session;

    const records = await readCitizenRecords({
      post: (body) => broker.postToGateway(signedIn, settings.gatewayEndpoint, body),
      logger,
      forSomeone: pending.checks.forSomeone === true,
    });
    const result = quote(records, settings.tariff);
    session.permit = { quote: result, records, readAt: new Date() };
    logger.info(
      {
        ...(result.eligible
          ? { eligible: true, vehicles: result.vehicles.length }
          : { eligible: false, reason: result.reason }),
        represented: !!signedIn.actor,
      },
      'permit priced',
    );
    ctx.status = 303;
    ctx.redirect('/permit');
  });

  router.get('/permit', (ctx) => {
    const { session } = sessionOf(ctx);
    if (!session?.permit) {
      ctx.status = 303;
      return ctx.redirect('/');
    }
    pages.permit(ctx, { ...session.permit, name: session.name, actorName: session.actorName, csrf: session.csrf });
  });

  router.post('/logout', async (ctx) => {
    const form = await readForm(ctx);
    const { id, session } = sessionOf(ctx);
    if (!session) {
      ctx.status = 303;
      return ctx.redirect('/');
    }
    if (!sameToken(form.get('csrf'), session.csrf)) throw parkingErrors.error('PARKING_FORM_INVALID');
    sessions.delete(id);
    ctx.cookies.set(SESSION_COOKIE, null, { path: '/', secure });
    const endSession = await broker.endSessionUrl(session.idToken);
    if (!endSession) return pages.loggedOut(ctx, { local: true });
    ctx.status = 303;
    ctx.redirect(endSession.href);
  });

  router.get('/logged-out', (ctx) => {
    pages.loggedOut(ctx, { local: false });
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

/** The CSRF token of the session's forms (one begun by this very request included), for the error page's logout button. */
export function csrfOf(ctx: Context, sessions: ExpiringStore<CitizenSession>): string | undefined {
  const begun = (ctx.state as { session?: CitizenSession }).session;
  return (begun ?? sessions.get(ctx.cookies.get(SESSION_COOKIE, { signed: true })))?.csrf;
}

function sameToken(sent: string | null, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
