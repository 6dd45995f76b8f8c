import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A free loopback port (components that must know each other's URL before starting).
 *
 * Chosen below the kernel's ephemeral range, not with `listen(0)`: a port from that range
 * is free when we close our probe, but any outgoing connection of the test (a database
 * client, an HTTP request) may be bound to it before the component listens, which then
 * fails with EADDRINUSE. Below the range, only listeners take ports; the probe checks that
 * none does, and a port is handed out once per process.
 */
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const LOWEST = 10_000;
const HIGHEST = ephemeralLow() - 1;

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port found between ${LOWEST} and ${HIGHEST}`);
}
