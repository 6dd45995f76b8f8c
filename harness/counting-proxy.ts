import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A transparent HTTP proxy in front of a real provider that remembers every request
 * it forwards (headers and body), so tests can count provider calls and read the
 * internal tokens the gateway sent. `hang` makes it accept requests and never answer
 * (a provider that is down in the slow way).
 */
export interface CountingProxy {
  url: string;
  requests: Array<{ path: string; method: string; headers: IncomingHttpHeaders; body: string }>;
  /** Requests other than readiness probes (GET). */
  graphqlCalls(): CountingProxy['requests'];
  hang: boolean;
  /** Where requests are forwarded (may be set after start). */
  target: string;
  close(): Promise<void>;
}

export async function startCountingProxy(target = 'http://127.0.0.1:9'): Promise<CountingProxy> {
  const state: CountingProxy = {
    url: '',
    requests: [],
    hang: false,
    target,
    graphqlCalls: () => state.requests.filter((r) => r.method === 'POST'),
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    state.requests.push({
      path: req.url ?? '',
      method: req.method ?? '',
      headers: req.headers,
      body: body.toString('utf8'),
    });
    if (state.hang) return; // never answers
    const targetUrl = new URL(state.target);
    const forward = httpRequest(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: targetUrl.host },
      },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502).end();
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
