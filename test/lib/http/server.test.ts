import { Agent, createServer, request } from 'node:http';
import { closeServer, listen } from '../../../lib/http/server.ts';

/**
 * closeServer: a request in flight when the server stops is answered, with
 * `Connection: close` (its client must not reuse a connection about to go), and the stop
 * does not wait for the grace when the connection was kept alive.
 */
test('a request in flight at the stop is answered with Connection: close, and the stop is quick', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((_req, res) => {
    void held.then(() => res.end('done'));
  });
  const port = await listen(server, 0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true });
  const answer = new Promise<{ status?: number; connection?: string; body: string }>((resolve, reject) => {
    request({ port, host: '127.0.0.1', path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
    })
      .on('error', reject)
      .end();
  });
  // The request has reached the handler: stop, then let it answer.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = performance.now();
  const closed = closeServer(server, 5000);
  release();
  expect(await answer).toEqual({ status: 200, connection: 'close', body: 'done' });
  await closed;
  expect(performance.now() - started).toBeLessThan(1000);
  agent.destroy();
});
