-- oidc-provider's models (sessions, interactions, grants, codes, tokens, PAR,
-- replay detection...), one row per model instance. The payload is the library's
-- own JSON; the other columns are the indexes its adapter interface looks up by.
CREATE TABLE oidc_payloads (
  model       text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  uid         text,
  user_code   text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_payloads_grant_id ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_expires_at ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

-- Validated pivot identities of signed-in citizens, kept only while a session
-- or token may still need their claims (expires_at), keyed by the internal
-- account id (an HMAC of the canonical identity, never shown to service providers).
CREATE TABLE accounts (
  account_id  text        PRIMARY KEY,
  pivot       jsonb       NOT NULL,
  email       text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX accounts_expires_at ON accounts (expires_at);

-- The broker's own relying-party state for one trip to an identity provider:
-- PKCE verifier, nonce and asked level, found again by `state` and used once.
CREATE TABLE idp_requests (
  state            text        PRIMARY KEY,
  interaction_uid  text        NOT NULL,
  idp              text        NOT NULL,
  code_verifier    text        NOT NULL,
  nonce            text        NOT NULL,
  acr              text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL
);
CREATE INDEX idp_requests_expires_at ON idp_requests (expires_at);
