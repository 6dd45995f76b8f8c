import type { Pool } from '../lib/db/database.ts';

/**
 * What the broker records about sign-ins: event type, service provider, identity
 * provider, pseudonymous account id, error code and claim NAMES — never personal
 * data values. One module writes events, so moving them into the platform's
 * audit chain later changes only this file.
 */
export type BrokerEventType = 'sign_in' | 'identity_refused' | 'idp_failure' | 'sign_in_aborted';

export interface BrokerEvent {
  type: BrokerEventType;
  clientId?: string | undefined;
  idp?: string | undefined;
  accountId?: string | undefined;
  code?: string | undefined;
  details?: Record<string, unknown>;
}

export interface EventRecorder {
  record(event: BrokerEvent): Promise<void>;
}

export function createEventRecorder(pool: Pool): EventRecorder {
  return {
    async record(event) {
      await pool.query(
        'INSERT INTO auth.events (type, client_id, idp, account_id, code, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
        [event.type, event.clientId ?? null, event.idp ?? null, event.accountId ?? null, event.code ?? null, JSON.stringify(event.details ?? {})]);
    },
  };
}
