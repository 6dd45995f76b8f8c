import { closeServer, listen } from '../../lib/http/server.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, Next } from 'koa';
import type { StartComponent } from '../../lib/component.ts';
import { ConfigError, listenPort } from '../../lib/config/load.ts';
import { SANDBOX_IDPS, type SandboxIdpName } from './definitions.ts';
import { interactionRoutes } from './interactions.ts';
import { renderPage, securityHeaders, staticFiles } from './pages.ts';
import { createProvider } from './provider.ts';

/**
 * Starts one sandbox identity provider. Its issuer, client id and secret come
 * from the `identityProviders` entry of the same name; its redirect URIs from
 * `broker.url`. With a port override (tests: 0), the issuer becomes the
 * configured host with the port actually bound.
 */
export function sandboxIdentityProvider(name: SandboxIdpName): StartComponent {
  const definition = SANDBOX_IDPS[name];
  return async ({ config, logger: parentLogger }, options = {}) => {
    const entry = config.identityProviders.find((idp) => idp.name === name);
    if (!entry) throw new ConfigError(`identityProviders: no entry "${name}" for the sandbox identity provider`);
    const logger = parentLogger.child({ component: `idp-${name}` });

    const server = createServer();
    await listen(server, options.port ?? listenPort({ url: entry.issuer }), '127.0.0.1');
    const configured = new URL(entry.issuer);
    const issuer =
      options.port === undefined
        ? entry.issuer.replace(/\/$/, '')
        : `${configured.protocol}//${configured.hostname}:${(server.address() as AddressInfo).port}`;

    try {
      const provider = await createProvider(
        issuer,
        definition,
        {
          clientId: entry.clientId,
          clientSecret: config.secret(entry.clientSecret, `identityProviders[${name}].clientSecret`),
          brokerUrl: config.broker.url,
        },
        logger,
      );
      const page = { idpName: name, displayName: definition.displayName };
      provider.use(securityHeaders([new URL(config.broker.url).origin]));
      provider.use(pageErrors(page, logger));
      provider.use(staticFiles(name));
      provider.use(interactionRoutes(provider, definition, logger));
      server.on('request', provider.callback());
    } catch (error) {
      await closeServer(server);
      throw error;
    }
    logger.info({ issuer, maxAcr: definition.maxAcr }, 'sandbox identity provider listening');
    return { name: `idp-${name}`, url: issuer, close: () => closeServer(server) };
  };
}

/** Errors of the interaction pages (expired interaction, bad form) as a French page. */
function pageErrors(page: { idpName: string; displayName: string }, logger: { warn: (o: object, m: string) => void }) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (error) {
      const {
        status = 500,
        statusCode,
        error: code,
        expose,
      } = error as { status?: number; statusCode?: number; error?: string; expose?: boolean };
      ctx.status = statusCode ?? status;
      if (ctx.status >= 500) logger.warn({ err: error }, 'interaction failed');
      ctx.type = 'html';
      ctx.body = renderPage('message', {
        ...page,
        title: 'Erreur',
        alert: 'error',
        code: code ?? (expose ? undefined : 'server_error'),
        message:
          ctx.status === 400 && code === 'invalid_request'
            ? 'Cette demande de connexion a expiré ou n’est plus valide. Revenez au service et recommencez.'
            : expose
              ? (error as Error).message
              : 'La demande n’a pas pu aboutir.',
      });
    }
  };
}
