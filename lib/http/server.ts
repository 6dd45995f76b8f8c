import type { Server, ServerResponse } from 'node:http';

/** A component's port is taken (bin/platform.ts turns it into a message naming the setting to change). */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Responses not yet sent, per server: told to close their connection once the server stops. */
const unsent = new WeakMap<Server, Set<ServerResponse>>();

/** Starts listening; resolves with the port actually bound (useful with port 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  const responses = new Set<ServerResponse>();
  unsent.set(server, responses);
  server.on('request', (_request, response: ServerResponse) => {
    if (!server.listening) response.shouldKeepAlive = false;
    responses.add(response);
    response.once('close', () => responses.delete(response));
  });
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(`port ${port} on ${host} is already in use`) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Stops accepting, lets requests in flight finish (up to `graceMs`), drops idle keep-alive
 * sockets at once. Responses still to be sent (in flight, or arriving on a kept-alive
 * connection meanwhile) say `Connection: close`, so clients do not reuse a connection
 * about to go: without that a busy keep-alive connection holds the stop for the whole grace.
 */
export function closeServer(server: Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    for (const response of unsent.get(server) ?? []) if (!response.headersSent) response.shouldKeepAlive = false;
    server.closeIdleConnections();
  });
}
