-- Grants the citizen (or an administrator) revoked. Written by the broker when a grant
-- is revoked (docs/tokens.md, "Revocation"); read by every gateway process every
-- second. A row only matters while tokens of that grant may still be valid (at most the
-- longest pivot-token lifetime after revocation); the gateway purges older rows.
CREATE TABLE gateway.revoked_grants (
  grant_id text PRIMARY KEY,
  revoked_at timestamptz NOT NULL DEFAULT now(),
  reason text
);
CREATE INDEX revoked_grants_revoked_at_idx ON gateway.revoked_grants (revoked_at);
