import { randomBytes } from 'node:crypto';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_LEVELS } from '../../lib/contracts/eidas.ts';
import type { Logger } from '../../lib/log.ts';
import { PIVOT_CLAIMS } from '../../lib/contracts/pivot-identity.ts';
import { generateJwks } from '../keys/generate.ts';
import type { SandboxIdpDefinition } from './definitions.ts';
import { memoryAdapterFactory } from './memory-adapter.ts';
import { renderPage } from './pages.ts';

/**
 * The OpenID provider of one sandbox IdP (oidc-provider 9):
 * - authorization code flow only, PKCE S256 required, `iss` in the
 *   authorization response (RFC 9207; oidc-provider always adds it);
 * - scopes `openid`, `identite_pivot` (the pivot claims) and `email`; the
 *   claims are in the ID token and at the userinfo endpoint;
 * - the broker is the single client (client_secret_basic or client_secret_post);
 * - `acr` = the level decided in `interactions.ts`.
 * State is kept in memory (`memory-adapter.ts`): acceptable for these sandbox
 * IdPs only because a single process serves each one (a restart forgets
 * sessions and codes). Signing keys are generated at start for the same
 * reason; the broker fetches them from `jwks_uri`.
 */
export interface BrokerClient {
  clientId: string;
  clientSecret: string;
  brokerUrl: string;
}

export const PIVOT_SCOPE = 'identite_pivot';

export async function createProvider(
  issuer: string,
  definition: SandboxIdpDefinition,
  client: BrokerClient,
  logger: Logger,
): Promise<Provider> {
  const page = { idpName: definition.name, displayName: definition.displayName };
  const brokerBase = `${client.brokerUrl.replace(/\/$/, '')}/idp/${definition.name}`;

  const policy = interactionPolicy.base();
  // No single sign-on in the sandbox: every authorization shows the login form.
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check(
        'sandbox_always_login',
        'the sandbox identity provider always asks for credentials',
        (ctx) =>
          ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );

  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: 'Passerelle (FranceConnect)',
        redirect_uris: [`${brokerBase}/callback`],
        post_logout_redirect_uris: [`${brokerBase}/logged-out`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: (await generateJwks(['ES256:sig'])) as Configuration['jwks'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    acrValues: ACR_LEVELS.slice(0, ACR_LEVELS.indexOf(definition.maxAcr) + 1),
    // acr and amr listed under openid: always in the ID token, requested or not.
    claims: { openid: ['sub', 'acr', 'amr'], email: ['email'], [PIVOT_SCOPE]: [...PIVOT_CLAIMS] },
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
      Interaction: 900,
      Session: 3600,
      Grant: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = renderPage('logout', { ...page, title: 'Déconnexion', form });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = renderPage('message', { ...page, title: 'Déconnexion', message: 'Vous êtes déconnecté.' });
        },
      },
    },
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) =>
      definition.logins.includes(sub)
        ? { accountId: sub, claims: () => ({ sub, ...definition.claimsOf(sub) }) }
        : undefined,
    // The broker is a first-party client: no consent screen, grant what it asked.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client: oidcClient, session, params } = ctx.oidc;
      if (!oidcClient || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: oidcClient.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderPage('message', {
        ...page,
        title: 'Erreur',
        alert: 'error',
        code: out.error,
        message: out.error_description ?? 'La demande n’a pas pu aboutir.',
      });
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'identity provider error'));
  // Client-facing errors (bad request, invalid code...): their code, never tokens or values.
  const events = provider as unknown as NodeJS.EventEmitter;
  for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'end_session.error']) {
    events.on(event, (_ctx: unknown, error: Error & { error?: string }) =>
      logger.warn({ event, error: error.error ?? error.name }, error.message),
    );
  }
  return provider;
}
