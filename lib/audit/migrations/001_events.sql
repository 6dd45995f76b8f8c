-- The audit trail: one append-only table of every event the platform records
-- (sign-ins, consent decisions, data exchanges, revocations, preference changes).
-- Each row is chained to the previous one by a SHA-256 hash (see lib/audit/chain.ts);
-- signed checkpoints let a third party check the chain with the broker's public key.

CREATE TABLE events (
  seq          bigint      NOT NULL,
  occurred_at  timestamptz NOT NULL,
  kind         text        NOT NULL,
  -- The citizen's pivot reference (a keyed hash of the pivot identity, never the identity).
  citizen_ref  text,
  -- The service provider concerned, if any.
  client_id    text,
  -- Labels, field names, codes: never values of personal data.
  data         jsonb       NOT NULL,
  prev_hash    text        NOT NULL,
  hash         text        NOT NULL,
  PRIMARY KEY (seq, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- Rows outside any monthly partition still land somewhere: nothing is ever refused
-- for want of a partition. ensure_partitions() creates months ahead of time.
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_citizen_idx ON events (citizen_ref, occurred_at DESC) WHERE citizen_ref IS NOT NULL;
CREATE INDEX events_client_idx ON events (client_id, occurred_at DESC) WHERE client_id IS NOT NULL;
CREATE INDEX events_seq_idx ON events (seq);

-- The chain head: one row, locked by each appending transaction, so appends are
-- serialized and the chain has no fork and no gap.
CREATE TABLE chain_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint  NOT NULL,
  hash  text    NOT NULL
);
INSERT INTO chain_head VALUES (1, 0, repeat('0', 64));

-- Where verification starts: the genesis, or the signed checkpoint up to which old
-- events were purged (retention).
CREATE TABLE chain_anchor (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint  NOT NULL,
  hash  text    NOT NULL
);
INSERT INTO chain_anchor VALUES (1, 0, repeat('0', 64));

CREATE TABLE checkpoints (
  seq        bigint      PRIMARY KEY,
  hash       text        NOT NULL,
  signed_at  timestamptz NOT NULL,
  -- Compact JWS (ES256, broker key) of {"seq","hash","iat"}.
  jws        text        NOT NULL
);

-- Append-only: no UPDATE, no DELETE, no TRUNCATE, except the retention purge, which
-- sets passerelle.audit_purge for its own transaction.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('passerelle.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Creates the monthly partitions from the current month to `months_ahead` months later.
CREATE FUNCTION ensure_partitions(months_ahead integer) RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  first date := date_trunc('month', now())::date;
  m date;
  name text;
BEGIN
  FOR i IN 0..months_ahead LOOP
    m := (first + make_interval(months => i))::date;
    name := 'events_' || to_char(m, 'YYYY_MM');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
        name, m, (m + interval '1 month')::date);
    END IF;
  END LOOP;
END $$;
