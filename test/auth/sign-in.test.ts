import { createServer, type Server } from 'node:http';
import { waitFor } from '../helpers/wait-for.ts';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { SANDBOX_IDPS, SANDBOX_IDP_NAMES } from '../../sandbox/idps/index.ts';
import { Agent } from '../../lib/http/agent.ts';
import { freePort } from '../../harness/ports.ts';
import { CAF_WITH_CLIENT_SECRET, spClient } from './support/broker.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { BROKER_AND_IDPS, redeem, signIn } from './support/sign-in.ts';

/**
 * Full sign-ins: openid-client as the service provider, the real sandbox
 * identity providers behind the broker, every sandbox identity.
 */
let platform: TestPlatform;
let backchannel: Server;
const logoutTokens: string[] = [];
const PIVOT = ['given_name', 'family_name', 'birthdate', 'birthcountry'];

beforeAll(async () => {
  const port = await freePort();
  backchannel = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) logoutTokens.push(token);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => backchannel.listen(port, '127.0.0.1', r));
  platform = await startTestPlatform({
    components: BROKER_AND_IDPS,
    overrides: [
      ['serviceProviders.parking-nimes.metadata.backchannel_logout_uri', `http://127.0.0.1:${port}/backchannel-logout`],
      ...CAF_WITH_CLIENT_SECRET,
    ],
  });
}, 60000);
afterAll(async () => {
  await platform.close();
  await new Promise((r) => backchannel.close(r));
});

const signInsOf = SANDBOX_IDP_NAMES.flatMap((idp) =>
  SANDBOX_IDPS[idp].logins.filter((login) => login !== 'identite.invalide').map((login) => [idp, login] as const),
);

describe('every sandbox identity signs in', () => {
  test.each(signInsOf)('through %s as %s', async (idp, login) => {
    const result = await signIn(platform, { idp, login });
    expect(result.landed.origin).toBe('http://localhost:3000');
    const { claims, userinfo, tokens } = await redeem(result);
    expect(claims.iss).toBe(platform.issuer);
    expect(claims.aud).toBe('parking-nimes');
    expect(claims.acr).toBe('eidas1');
    expect(claims.sub).toMatch(/^[\w-]{43}$/);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');
    for (const claim of PIVOT) expect(typeof userinfo[claim]).toBe('string');
    expect(userinfo.sub).toBe(claims.sub);
    expect(userinfo.email).toBeUndefined();
  });
});

describe('pairwise subject', () => {
  test('same person, same SP: same sub whatever the IdP, at every sign-in; another sector: another sub', async () => {
    const subOf = async (idp: string, clientId = 'parking-nimes') =>
      (await redeem(await signIn(platform, { idp, login: 'marie.dupont', clientId, scope: 'openid given_name' })))
        .claims.sub;
    const viaImpots = await subOf('impots');
    expect(await subOf('impots')).toBe(viaImpots);
    expect(await subOf('laposte')).toBe(viaImpots);
    const caf = await subOf('impots', 'simulateur-caf');
    expect(caf).not.toBe(viaImpots);
    const jean = (await redeem(await signIn(platform, { idp: 'impots', login: 'jean.martin' }))).claims.sub;
    expect(jean).not.toBe(viaImpots);
  });
});

describe('claims follow scopes and entitlement', () => {
  test('only the requested scopes are released', async () => {
    const { userinfo, claims } = await redeem(
      await signIn(platform, { idp: 'impots', login: 'jean.martin', scope: 'openid given_name email' }),
    );
    expect(Object.keys(userinfo).sort()).toEqual(['email', 'given_name', 'sub']);
    expect(userinfo.email).toBe('jean.martin@example.org');
    expect(claims.given_name).toBeUndefined();
  });

  test('an RS256 client with client_secret_post and required PAR signs in', async () => {
    const result = await signIn(platform, {
      clientId: 'simulateur-caf',
      idp: 'ameli',
      login: 'camille.petit',
      scope: 'openid birthdate',
    });
    const { tokens, userinfo } = await redeem(result);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
    expect(userinfo.birthdate).toBe('1990-00-00');
  });
});

describe('levels of assurance', () => {
  test('IdPs below the level are disabled; an eidas2 sign-in says eidas2', async () => {
    const result = await signIn(platform, { idp: 'laposte', login: 'marie.dupont', acr: 'eidas2' });
    expect((await redeem(result)).claims.acr).toBe('eidas2');
  });

  test('the lowest of several acr_values applies', async () => {
    const result = await signIn(platform, { idp: 'impots', login: 'lucas.bernard', acr: 'eidas3 eidas1' });
    expect((await redeem(result)).claims.acr).toBe('eidas1');
  });

  test('an IdP answering below the level asked is refused (downgrade)', async () => {
    const result = await signIn(platform, {
      idp: 'laposte',
      login: 'marie.dupont',
      acr: 'eidas2',
      lowerAcrTo: 'eidas1',
    });
    expect(result.response.status).toBe(403);
    expect(await result.response.text()).toContain('IDP_ACR_TOO_LOW');
  });

  test('a broker session at eidas1 is not reused for an eidas2 request', async () => {
    const agent = new Agent();
    await redeem(await signIn(platform, { idp: 'impots', login: 'marie.dupont', agent }));
    const again = await signIn(platform, { idp: 'laposte', login: 'marie.dupont', acr: 'eidas2', agent });
    expect((await redeem(again)).claims.acr).toBe('eidas2');
  });

  test('single sign-on: a second SP request in the same browser needs no IdP', async () => {
    const agent = new Agent();
    const first = await redeem(await signIn(platform, { idp: 'impots', login: 'jean.martin', agent }));
    const second = await signIn(platform, { idp: 'no-idp-needed', login: 'nobody', agent });
    expect(second.landed.origin).toBe('http://localhost:3000');
    expect((await redeem(second)).claims.sub).toBe(first.claims.sub);
  });
});

describe('idp_hint', () => {
  test('skips the chooser', async () => {
    const client = (await signIn(platform, { idp: 'impots', login: 'marie.dupont' })).client;
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'openid',
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      idp_hint: 'laposte',
    });
    const { url: landed, response } = await new Agent().follow(url);
    expect(response.status).toBe(200);
    expect(landed.origin).toBe(platform.config.identityProviders.find((i) => i.name === 'laposte')!.issuer);
  });
});

describe('identity validation', () => {
  test('an invalid identity shows a page with the code, tells the SP access_denied, and is recorded without values', async () => {
    const result = await signIn(platform, { idp: 'impots', login: 'identite.invalide' });
    expect(result.response.status).toBe(502);
    const html = await result.response.text();
    expect(html).toContain('PIVOT_IDENTITY_INVALID');
    expect(html).toContain('birthplace');
    expect(html).not.toContain('1980-05-17');
    // The language switch shows the same refusal (failures included) without replaying the callback.
    const switchUrl = /href="(\/interaction\/[^"]+\/erreur\/PIVOT_IDENTITY_INVALID\?echecs=[^"]+lang=en)"/.exec(html);
    expect(switchUrl).not.toBeNull();
    const english = await result.agent.follow(new URL(switchUrl![1]!.replaceAll('&amp;', '&'), platform.issuer));
    expect(english.response.status).toBe(502);
    const englishHtml = await english.response.text();
    expect(englishHtml).toContain('<html lang="en"');
    expect(englishHtml).toContain('PIVOT_IDENTITY_INVALID');
    expect(englishHtml).toContain('birthplace');
    const abort =
      /<form method="post" action="(\/interaction\/[^"]+\/abort)">\s*<input type="hidden" name="reason" value="PIVOT_IDENTITY_INVALID">/.exec(
        html,
      );
    expect(abort).not.toBeNull();
    const { url } = await result.agent.follow(new URL(abort![1]!, platform.issuer), {
      init: { form: { reason: 'PIVOT_IDENTITY_INVALID' } },
      stopAt: (u) => u.origin === 'http://localhost:3000',
    });
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('error_description')).toMatch(/^PIVOT_IDENTITY_INVALID: /);
    const pool = platform.database.pool();
    const { rows } = await pool.query(
      `SELECT kind, citizen_ref, data FROM audit.events WHERE kind = 'broker.identity_refused'`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0].citizen_ref).toBeNull();
    expect(JSON.stringify(rows[0].data)).not.toMatch(/Invalide|1980/);
    const stored = await pool.query(
      `SELECT count(*)::int AS n FROM auth.accounts WHERE pivot->>'family_name' = 'Invalide'`,
    );
    expect(stored.rows[0].n).toBe(0);
  });
});

describe('the way back from identity providers', () => {
  /** Runs a sign-in until the IdP sends the browser back to the broker; returns that callback URL. */
  async function callbackUrl(
    login = 'marie.dupont',
    idp = 'impots',
    cancel = false,
  ): Promise<{ agent: Agent; url: URL }> {
    const agent = new Agent();
    const isCallback = (u: URL) => u.origin === platform.issuer && u.pathname === `/idp/${idp}/callback`;
    const client = await spClient(platform.issuer, 'parking-nimes', platform.config);
    const start = oidc.buildAuthorizationUrl(client, {
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'openid',
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      idp_hint: idp,
    });
    const { response, url: loginPage } = await agent.follow(start);
    const html = await response.text();
    const action = new URL(
      (cancel ? /action="([^"]+\/abort)"/ : /<form method="post" action="([^"]+\/login)"/).exec(html)![1]!,
      loginPage,
    );
    const { url } = await agent.follow(action, {
      init: { form: cancel ? {} : { login, password: '123' } },
      stopAt: isCallback,
    });
    expect(isCallback(url)).toBe(true);
    return { agent, url };
  }

  test('an IdP callback is accepted once, from the browser that left for it', async () => {
    const { agent, url } = await callbackUrl();
    const stranger = await new Agent().fetch(url);
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('IDP_STATE_UNKNOWN');
    const first = await agent.fetch(url);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const replay = await agent.fetch(url);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('IDP_STATE_UNKNOWN');
  });

  test('a response naming another issuer is refused (mix-up defence)', async () => {
    const { agent, url } = await callbackUrl();
    url.searchParams.set('iss', platform.config.identityProviders.find((i) => i.name === 'laposte')!.issuer);
    const page = await agent.fetch(url);
    expect(page.status).toBe(502);
    expect(await page.text()).toContain('IDP_RESPONSE_INVALID');
  });

  test('a citizen cancelling at the IdP gets a page and can choose another IdP', async () => {
    const { agent, url } = await callbackUrl('marie.dupont', 'impots', true);
    expect(url.searchParams.get('error')).toBe('access_denied');
    const page = await agent.fetch(url);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('IDP_AUTHENTICATION_FAILED');
    expect(html).toMatch(/href="\/interaction\/[^"]+\?choose=1"/);
  });
});

describe('the token endpoint', () => {
  // Code reuse, injection, redirect_uri and expiry: test/security/authorization-code.test.ts;
  // PKCE verifiers: test/security/pkce.test.ts; client assertions: test/security/client-assertion.test.ts.
  test('revoked access tokens no longer open userinfo', async () => {
    const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
    const { tokens } = await redeem(result);
    await oidc.tokenRevocation(result.client, tokens.access_token);
    await expect(oidc.fetchUserInfo(result.client, tokens.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('logout', () => {
  test('RP-initiated logout asks for confirmation, ends the session and notifies SPs by back-channel', async () => {
    const agent = new Agent();
    const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont', agent });
    const { tokens, claims } = await redeem(result);
    const url = oidc.buildEndSessionUrl(result.client, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://localhost:3000/logged-out',
      state: 'bye',
    });
    const confirm = await agent.fetch(url);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Me déconnecter');
    expect(confirm.headers.get('content-security-policy')).toContain("form-action 'self' http://localhost:3000");
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const { url: landed } = await agent.follow(new URL(action, platform.issuer), {
      init: { form: { xsrf, logout: 'yes' } },
      stopAt: (u) => u.origin === 'http://localhost:3000',
    });
    expect(landed.href).toBe('http://localhost:3000/logged-out?state=bye');
    // Back-channel: a logout token signed by the broker, for this SP and subject.
    await waitFor(
      async () => logoutTokens.length,
      (received) => received > 0,
      { timeoutMs: 2500, intervalMs: 50 },
    );
    const { payload } = await jwtVerify(logoutTokens.at(-1)!, createRemoteJWKSet(new URL('/jwks', platform.issuer)), {
      issuer: platform.issuer,
      audience: 'parking-nimes',
      typ: 'logout+jwt',
    });
    expect(payload.sub).toBe(claims.sub);
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    // The session is gone: the next sign-in goes through an IdP again.
    const again = await signIn(platform, { idp: 'impots', login: 'marie.dupont', agent });
    expect(again.landed.origin).toBe('http://localhost:3000');
  });
});
