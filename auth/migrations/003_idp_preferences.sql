-- A citizen's identity-provider preferences, keyed by the broker's account id (the same
-- whichever IdP they sign in with, auth/pairwise.ts). Kept for good: unlike
-- `accounts`, these rows hold no personal data, only IdP names and dates.
--
-- One row per citizen who changed a preference; it is also the row every change and
-- every sign-in check of that citizen locks (FOR UPDATE), so that concurrent changes
-- and sign-ins are serialized and none is lost.
CREATE TABLE idp_preferences (
  account_id      text        PRIMARY KEY,
  allow_new_idps  boolean     NOT NULL DEFAULT true,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- IdPs the citizen blocked: a sign-in through one of them is refused.
CREATE TABLE idp_blocks (
  account_id  text        NOT NULL,
  idp         text        NOT NULL,
  blocked_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, idp)
);

-- IdPs this identity has signed in with (successful sign-ins only).
CREATE TABLE idp_uses (
  account_id     text        NOT NULL,
  idp            text        NOT NULL,
  first_used_at  timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, idp)
);
