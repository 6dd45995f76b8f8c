-- The citizen's dashboard (/mon-compte): its own server-side sessions. Only the
-- SHA-256 of the session id is kept (the id is in the citizen's cookie); the CSRF
-- token every dashboard form carries; the IdP the citizen signed in with (a session
-- cannot block it). `idle_expires_at` moves on at each request, `expires_at` never.
CREATE TABLE dashboard_sessions (
  id_hash          text        PRIMARY KEY,
  account_id       text        NOT NULL,
  idp              text,
  csrf_token       text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  idle_expires_at  timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL
);
CREATE INDEX dashboard_sessions_expires_at ON dashboard_sessions (expires_at);

-- The dashboard lists a citizen's grants (active consents): found by account.
CREATE INDEX oidc_payloads_grant_account ON oidc_payloads ((payload->>'accountId')) WHERE model = 'Grant';
