-- The "For whom are you doing this procedure?" page of one interaction (issue 14,
-- auth/interactions/representation.ts): shown only to a service provider that asked for
-- the `representation` scope, to a signed-in person holding active mandates. Like the
-- consent form (002_consent.sql): a one-time form token (only its SHA-256 is kept) bound
-- to the interaction, the first answer wins (`chosen_at` set once, atomically).
-- `mandate_id` is the mandate chosen, NULL for "myself"; the consent step reads it back.
CREATE TABLE representation_choices (
  interaction_uid text        PRIMARY KEY,
  token_hash      text        NOT NULL,
  mandate_id      text        REFERENCES mandates (id) ON DELETE CASCADE,
  chosen_at       timestamptz,
  expires_at      timestamptz NOT NULL
);
CREATE INDEX representation_choices_expires_at ON representation_choices (expires_at);
