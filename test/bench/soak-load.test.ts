import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runPacedLoad } from '../../bench/soak-load.ts';
import type { Sent } from '../../bench/soak-stats.ts';

/**
 * The soak's load generator against a loopback server slower than the target rate
 * (2 connections, 250 ms an answer: 8 req/s at most for a 20 req/s target): it must
 * stop at its planned duration, not stretch, and account for every request the server
 * received, those in flight at the cut included.
 */
describe('the soak load generator on a saturated server', () => {
  let server: Server;
  let url: string;
  let received = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      req.resume();
      setTimeout(() => res.end('{}'), 250);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('stops on time and counts every request sent', async () => {
    const sent: Sent[] = [];
    const began = performance.now();
    const result = await runPacedLoad({
      url,
      rate: 20,
      connections: 2,
      durationSeconds: 2,
      timeoutMs: 5000,
      maxBacklogMs: 200,
      next: () => ({ headers: {}, body: '{}' }),
      onSent: (s) => sent.push(s),
    });
    const seconds = (performance.now() - began) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(2.5); // the cut, then one 250 ms answer at most
    expect(result.planned).toBe(40);
    expect(result.sent).toBe(sent.length);
    expect(received).toBe(sent.length);
    expect(sent.every((s) => s.status === 200)).toBe(true);
    expect(sent.length).toBeGreaterThan(8);
    expect(sent.length).toBeLessThanOrEqual(18); // about 8 req/s, far from the 40 planned
    expect(result.missed).toBeGreaterThan(10);
    // Both connections were busy at the cut: their requests were awaited and are in the count.
    expect(result.inFlightAtCut).toBeGreaterThanOrEqual(1);
    expect(result.inFlightAtCut).toBeLessThanOrEqual(2);
    expect(sent.filter((s) => s.at + s.ms / 1000 > 2).length).toBeGreaterThanOrEqual(result.inFlightAtCut);
    expect(Math.max(...sent.map((s) => s.at))).toBeLessThan(2.05);
  });
});
