import type { IdentityProvider } from '../../lib/config/sections/identity-providers.ts';
import type { Logger } from '../../lib/log.ts';

/**
 * Whether each identity provider answers, as FranceConnect knows it: a light background
 * probe (GET of its discovery document, short timeout) every few seconds, and the
 * failures seen in real round trips (auth/idp/round-trip.ts). The broker only redirects a
 * browser to an IdP that answers: to a dead one the citizen would be left on the browser's
 * connection error instead of our page. An IdP is taken as up until a probe or a round
 * trip says otherwise, and up again at the first probe it answers. Disabled IdPs are not
 * probed (they are never offered).
 */
export interface IdpAvailability {
  isUp(name: string): boolean;
  /** A round trip could not reach it (IDP_UNAVAILABLE): down until a probe answers. */
  reportUnreachable(name: string): void;
  start(): void;
  stop(): void;
}

export interface AvailabilityOptions {
  idps: IdentityProvider[];
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
  /** Told each time an IdP's state is known or changes (the `passerelle_broker_idp_up` gauge). */
  onState?(idp: string, up: boolean): void;
}

export function createIdpAvailability(options: AvailabilityOptions): IdpAvailability {
  const probed = options.idps.filter((idp) => idp.enabled);
  const up = new Map(probed.map((idp) => [idp.name, true]));
  const inFlight = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const set = (name: string, now: boolean, why: string) => {
    const before = up.get(name);
    up.set(name, now);
    options.onState?.(name, now);
    if (before !== now)
      options.logger[now ? 'info' : 'warn']({ idp: name, up: now, why }, 'identity provider availability');
  };

  /** One GET of the discovery document: 'up', 'down' (refused, 5xx) or 'timeout'. */
  const ask = async (idp: IdentityProvider): Promise<{ state: 'up' | 'down' | 'timeout'; why: string }> => {
    const url = new URL('.well-known/openid-configuration', idp.issuer.endsWith('/') ? idp.issuer : `${idp.issuer}/`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'manual' });
      await response.body?.cancel();
      return response.status >= 500
        ? { state: 'down', why: `probe: HTTP ${response.status}` }
        : { state: 'up', why: 'probe answered' };
    } catch (error) {
      return (error as Error).name === 'TimeoutError'
        ? { state: 'timeout', why: `probe: no answer within ${options.timeoutMs} ms, twice` }
        : { state: 'down', why: 'probe: unreachable' };
    }
  };

  const probe = async (idp: IdentityProvider) => {
    if (inFlight.has(idp.name)) return;
    inFlight.add(idp.name);
    try {
      let answer = await ask(idp);
      // A timeout is asked again at once before it counts: the broker's own event loop,
      // held for a few seconds (a busy start-up, a long GC), times a healthy IdP out too.
      // A hanging IdP is then marked down after two timeouts instead of one.
      if (answer.state === 'timeout') answer = await ask(idp);
      set(idp.name, answer.state === 'up', answer.why);
    } finally {
      inFlight.delete(idp.name);
    }
  };
  const round = () => void Promise.all(probed.map(probe));

  return {
    isUp: (name) => up.get(name) ?? true,
    reportUnreachable: (name) => {
      if (up.has(name)) set(name, false, 'round trip failed');
    },
    start() {
      for (const idp of probed) options.onState?.(idp.name, true);
      round();
      timer = setInterval(round, options.intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
