-- DPoP proofs already used (RFC 9449 §11.1): a proof's `jti` is single use across every
-- gateway process, so the check lives in the shared database. A row only matters while
-- its proof's `iat` is inside the acceptance window; `expires_at` lets the gateway purge
-- older rows (gateway/dpop-jti-store.ts).
CREATE TABLE gateway.dpop_jti (
  jti text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dpop_jti_expires_at_idx ON gateway.dpop_jti (expires_at);
