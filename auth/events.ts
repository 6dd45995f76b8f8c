import { AuditWriter, type AuditEvent } from '../lib/audit/index.ts';
import type { Pool } from '../lib/db/database.ts';

/**
 * What the broker records in the platform's audit chain: sign-ins (and those the
 * citizen's IdP preferences refused), consent decisions, grant revocations, IdP
 * preference changes, mandate steps (auth/mandates/store.ts) — event kind, service provider, identity provider, pseudonymous
 * account id, error code, claim and scope NAMES and labels — never personal data
 * values. Only this module shapes broker events.
 */
export type BrokerEventKind =
  | 'broker.sign_in'
  | 'broker.identity_refused'
  | 'broker.idp_failure'
  | 'broker.sign_in_aborted'
  | 'broker.consent_given'
  | 'broker.consent_refused'
  | 'broker.grant_revoked'
  | 'broker.idp_preference_changed'
  | 'broker.sign_in_refused'
  | 'broker.mandate_proposed'
  | 'broker.mandate_accepted'
  | 'broker.mandate_declined'
  | 'broker.mandate_ended'
  | 'broker.mandate_expired'
  | 'broker.company_chosen';

export interface BrokerEvent {
  kind: BrokerEventKind;
  clientId?: string | undefined;
  idp?: string | undefined;
  accountId?: string | undefined;
  code?: string | undefined;
  /**
   * Names, labels and codes only (e.g. the claims that failed validation, the scopes
   * consented); one level of nesting for what an event is filed under (a mandate, a company).
   */
  details?: Record<string, string | number | boolean | string[] | null | Record<string, string>>;
}

export interface EventRecorder {
  /** Resolves once the event is committed. */
  record(event: BrokerEvent): Promise<void>;
}

/** The audit-chain form of a broker event (for `appendEvents` inside a caller's transaction). */
export function toAuditEvent(event: BrokerEvent): AuditEvent {
  return {
    kind: event.kind,
    citizenRef: event.accountId ?? null,
    clientId: event.clientId ?? null,
    data: {
      ...(event.idp ? { idp: event.idp } : {}),
      ...(event.code ? { code: event.code } : {}),
      ...(event.details ?? {}),
    },
  };
}

export function createEventRecorder(pool: Pool): EventRecorder {
  const writer = new AuditWriter(pool);
  return {
    async record(event) {
      await writer.record(toAuditEvent(event));
    },
  };
}
