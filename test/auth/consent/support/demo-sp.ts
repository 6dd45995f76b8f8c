import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, type CryptoKey } from 'jose';
import { connect, finishSignIn, queryGateway, startSignIn } from '../../../../docs/examples/service-provider.ts';
import { sandboxSpKey } from '../../../../harness/sandbox-keys.ts';

/**
 * The smallest service provider a browser can use, built on the example of docs/service-providers.md
 * (docs/examples/service-provider.ts): `/` sends the citizen to the broker for the
 * Parking operation, `/callback` exchanges the code, runs the operation at the gateway
 * and shows the result as a page. It listens before the platform starts (its redirect
 * URI must be registered), and learns the broker and gateway afterwards (`attach`).
 */
export interface DemoServiceProvider {
  url: string;
  redirectUri: string;
  attach(platform: { issuer: string; graphqlUrl: string; document: string }): void;
  close(): Promise<void>;
}

const PURPOSE = 'Calculer le tarif de votre abonnement de stationnement résident';

export async function startDemoServiceProvider(): Promise<DemoServiceProvider> {
  const sessions = new Map<string, Pick<Awaited<ReturnType<typeof startSignIn>>, 'checks' | 'dpop'>>();
  let platform: { issuer: string; graphqlUrl: string; document: string } | undefined;
  let broker: Awaited<ReturnType<typeof connect>> | undefined;
  const server: Server = createServer(async (req, res) => {
    try {
      if (!platform) throw new Error('not attached');
      const url = new URL(req.url ?? '/', base);
      broker ??= await connect(
        platform.issuer,
        'parking-nimes',
        (await importJWK(sandboxSpKey('parking-nimes'), 'ES256')) as CryptoKey,
        { sandbox: true },
      );
      if (url.pathname === '/') {
        const {
          url: authorization,
          checks,
          dpop,
        } = await startSignIn(broker, {
          redirectUri: `${base}/callback`,
          operationName: 'Parking',
          purpose: PURPOSE,
        });
        const session = randomBytes(16).toString('base64url');
        sessions.set(session, { checks, dpop });
        res
          .writeHead(303, {
            location: authorization.href,
            'set-cookie': `sp_session=${session}; HttpOnly; SameSite=Lax; Path=/`,
          })
          .end();
        return;
      }
      if (url.pathname === '/callback') {
        const session = /sp_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const pending = session ? sessions.get(session) : undefined;
        if (!pending) return page(res, 400, 'Session inconnue', '');
        sessions.delete(session!);
        if (url.searchParams.has('error'))
          return page(
            res,
            200,
            'Connexion interrompue',
            `<p id="error">${escape(url.searchParams.get('error')!)}: ${escape(url.searchParams.get('error_description') ?? '')}</p>`,
          );
        const { identity, accessToken } = await finishSignIn(broker, url, pending.checks, pending.dpop);
        const result = await queryGateway(
          broker,
          pending.dpop,
          platform.graphqlUrl,
          accessToken,
          platform.document,
          'Parking',
        );
        const me = (
          result.data as {
            me: {
              taxAddress: { city: string };
              vehicles: Array<{ registrationNumber: string; critAir: number }> | null;
            };
          }
        ).me;
        return page(
          res,
          200,
          `Bonjour ${escape(String(identity.given_name))}`,
          [
            `<p id="city">Adresse fiscale : ${escape(me.taxAddress.city)}</p>`,
            `<ul id="vehicles">${(me.vehicles ?? []).map((v) => `<li>${escape(v.registrationNumber)} — Crit'Air ${v.critAir}</li>`).join('')}</ul>`,
          ].join(''),
        );
      }
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    } catch (error) {
      page(res, 500, 'Erreur', `<pre>${escape((error as Error).message)}</pre>`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    redirectUri: `${base}/callback`,
    attach(value) {
      platform = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function page(res: import('node:http').ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`,
  );
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
