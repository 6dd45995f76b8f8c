import { AuditWriter } from '../lib/audit/index.ts';
import type { Pool } from '../lib/db/database.ts';

/**
 * What the broker records about sign-ins, in the platform's audit chain: event
 * kind, service provider, identity provider, pseudonymous account id, error code
 * and claim NAMES — never personal data values. Only this module writes events.
 */
export type BrokerEventKind = 'broker.sign_in' | 'broker.identity_refused' | 'broker.idp_failure' | 'broker.sign_in_aborted';

export interface BrokerEvent {
  kind: BrokerEventKind;
  clientId?: string | undefined;
  idp?: string | undefined;
  accountId?: string | undefined;
  code?: string | undefined;
  /** Names and codes only (e.g. the claims that failed validation). */
  details?: Record<string, string | number | boolean | string[] | null>;
}

export interface EventRecorder {
  /** Resolves once the event is committed. */
  record(event: BrokerEvent): Promise<void>;
}

export function createEventRecorder(pool: Pool): EventRecorder {
  const writer = new AuditWriter(pool);
  return {
    async record(event) {
      await writer.record({
        kind: event.kind,
        citizenRef: event.accountId ?? null,
        clientId: event.clientId ?? null,
        data: {
          ...(event.idp ? { idp: event.idp } : {}),
          ...(event.code ? { code: event.code } : {}),
          ...(event.details ?? {}),
        },
      });
    },
  };
}
