-- The consent page of one interaction: a one-time form token (only its SHA-256 is
-- kept) and the operations shown, which are exactly what an "allow" grants. The
-- first decision wins: `decided_at` is set once, atomically, so a replayed or
-- double-submitted form is refused whatever process receives it.
CREATE TABLE consent_forms (
  interaction_uid text        PRIMARY KEY,
  token_hash      text        NOT NULL,
  shown           jsonb       NOT NULL,
  decision        text        CHECK (decision IN ('allow', 'refuse')),
  decided_at      timestamptz,
  expires_at      timestamptz NOT NULL
);
CREATE INDEX consent_forms_expires_at ON consent_forms (expires_at);

-- Pivot tokens issued (SHA-256 of the token only), so that a service provider can
-- revoke one at the revocation endpoint: the token is encrypted to the gateway and
-- the broker cannot read its grant back from it. Kept until the token expires.
CREATE TABLE pivot_tokens (
  token_hash  text        PRIMARY KEY,
  grant_id    text        NOT NULL,
  client_id   text        NOT NULL,
  account_id  text        NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX pivot_tokens_expires_at ON pivot_tokens (expires_at);
