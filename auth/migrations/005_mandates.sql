-- Mandates (issue 14, docs/mandates.md): a citizen (the mandator) lets another (the
-- representative) act for them at service providers, for some domains
-- (lib/contracts/domains.ts) and a limited time. Both are identified by the broker's
-- account id (an HMAC of the canonical pivot identity, auth/pairwise.ts), never by an IdP
-- login, so a mandate follows them across identity providers.
--
-- The pivot identities are kept here for the mandate's life: the mandator's is what the
-- providers receive when the representative acts (the mandator need not have signed in
-- recently, so `accounts` may no longer hold it), and both are the names each person sees.
-- `representative_expected` is what the mandator typed about the person they invite
-- (family name, first given name, birthdate): the acceptance is refused unless the
-- signed-in identity matches it, so an intercepted invitation is useless to anyone else.
CREATE TABLE mandates (
  id                         text        PRIMARY KEY,
  mandator_account_id        text        NOT NULL,
  mandator_pivot             jsonb       NOT NULL,
  representative_expected    jsonb       NOT NULL,
  representative_account_id  text,
  representative_pivot       jsonb,
  domains                    text[]      NOT NULL CHECK (cardinality(domains) > 0),
  starts_at                  timestamptz NOT NULL,
  ends_at                    timestamptz NOT NULL,
  state                      text        NOT NULL DEFAULT 'proposed'
                             CHECK (state IN ('proposed', 'active', 'declined', 'revoked', 'expired')),
  created_at                 timestamptz NOT NULL DEFAULT now(),
  accepted_at                timestamptz,
  -- When it was declined, revoked or expired, and by whom ('mandator', 'representative', 'system').
  ended_at                   timestamptz,
  ended_by                   text        CHECK (ended_by IN ('mandator', 'representative', 'system')),
  CHECK (ends_at > starts_at),
  CHECK (ends_at <= starts_at + interval '12 months'),
  CHECK (representative_account_id IS NULL OR representative_account_id <> mandator_account_id)
);
CREATE INDEX mandates_mandator ON mandates (mandator_account_id);
CREATE INDEX mandates_representative ON mandates (representative_account_id) WHERE representative_account_id IS NOT NULL;

-- The invitation of a proposed mandate: a one-time code the mandator hands over (and a
-- link carrying it), valid 7 days, usable once. Only its SHA-256 is stored
-- (auth/stored-hash.ts), like dashboard session ids.
CREATE TABLE mandate_invitations (
  code_hash   text        PRIMARY KEY,
  mandate_id  text        NOT NULL REFERENCES mandates (id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX mandate_invitations_mandate ON mandate_invitations (mandate_id);

-- The eIDAS level of a dashboard sign-in: creating or accepting a mandate for a domain
-- whose scopes need eidas2 needs a session at eidas2 or above.
ALTER TABLE dashboard_sessions ADD COLUMN acr text;

-- The grants a representative obtained under a mandate (written with the grant, at
-- consent): ending the mandate revokes each of them (auth/grants.ts, reason
-- `mandate_ended`), so the gateways refuse their tokens within about a second.
CREATE TABLE mandate_grants (
  grant_id    text PRIMARY KEY,
  mandate_id  text NOT NULL REFERENCES mandates (id) ON DELETE CASCADE
);
CREATE INDEX mandate_grants_mandate ON mandate_grants (mandate_id);
