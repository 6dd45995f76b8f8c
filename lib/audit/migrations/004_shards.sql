-- The chain in shards. One head locked by every appender serialized the whole platform
-- on one lock, held through each appending transaction's commit. Now the trail is
-- several independent chains, the shards, each with its own head: an event goes to the
-- shard of its citizen (a stable hash of citizen_ref, so a citizen's history stays in one
-- chain), and appenders for different citizens no longer wait for one another. One signed
-- checkpoint covers every shard's head at once (a Merkle root, lib/audit/merkle.ts).
--
-- The link formula is unchanged (lib/audit/chain.ts): within a shard,
--   hash = SHA-256( previous hash in the shard || "\n" || JCS({seq, occurredAt, kind, citizenRef, clientId, data}) )
-- `seq` stays one number across the platform (an event's identity, the dashboard's
-- cursor), now drawn from a sequence while the shard's head is locked: within a shard it
-- rises in chain order, which verification walks; across shards it only orders roughly,
-- and a rolled-back transaction leaves a gap (the links, not the numbers, prove that
-- nothing is missing).
--
-- An existing single chain becomes shard 0, as it is: its events, hashes, anchor and
-- signed checkpoints stay valid. Shards 1.. start empty when `set_shard_count` (run at
-- every start-up with `audit.shards`) creates them.

-- CACHE 1, never more: with values cached per session, two sessions appending to one
-- shard one after the other could take their seqs in the opposite order.
CREATE SEQUENCE event_seq AS bigint MINVALUE 1 CACHE 1;
SELECT setval('event_seq', greatest(h.seq, 1), h.seq > 0) FROM chain_head h WHERE h.id = 1;

-- Adding a column with a constant default rewrites nothing, whatever the table's size.
ALTER TABLE events ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE events ALTER COLUMN shard DROP DEFAULT;
-- Verification walks one shard at a time, in seq order.
DROP INDEX events_seq_idx;
CREATE INDEX events_shard_seq_idx ON events (shard, seq);

-- One row per shard: where its chain starts (the genesis, or after a retention purge the
-- signed checkpoint it was cut at) and where it ends. Each appending transaction locks the
-- rows of the shards it writes to, in shard order (no deadlock between appenders).
CREATE TABLE shards (
  shard        smallint PRIMARY KEY CHECK (shard >= 0),
  head_seq     bigint   NOT NULL,
  head_hash    text     NOT NULL,
  anchor_seq   bigint   NOT NULL,
  anchor_hash  text     NOT NULL
);
INSERT INTO shards (shard, head_seq, head_hash, anchor_seq, anchor_hash)
  SELECT 0, h.seq, h.hash, a.seq, a.hash FROM chain_head h, chain_anchor a WHERE h.id = 1 AND a.id = 1;
DROP TABLE chain_head;
DROP TABLE chain_anchor;

-- How many shards new events are spread over (`audit.shards`). Shards at or beyond it,
-- left by a smaller count, keep their chains (verified, checkpointed, purged) but
-- receive nothing new.
CREATE TABLE layout (
  id           integer     PRIMARY KEY CHECK (id = 1),
  shard_count  integer     NOT NULL CHECK (shard_count BETWEEN 1 AND 1024),
  changed_at   timestamptz NOT NULL
);
INSERT INTO layout VALUES (1, 1, now());

-- Creates shards 0 .. n-1 where missing and spreads new events over them; returns the
-- previous count. Safe at any time: no chain is rewritten, no event moves; a citizen's
-- later events may go to another shard than its earlier ones (the history reads by
-- citizen_ref, across shards).
CREATE FUNCTION set_shard_count(n integer) RETURNS integer LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  previous integer;
BEGIN
  IF n IS NULL OR n < 1 OR n > 1024 THEN
    RAISE EXCEPTION 'audit shard count must be between 1 and 1024, got %', n USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT l.shard_count INTO previous FROM layout l WHERE l.id = 1 FOR UPDATE;
  INSERT INTO shards (shard, head_seq, head_hash, anchor_seq, anchor_hash)
    SELECT s, 0, repeat('0', 64), 0, repeat('0', 64) FROM generate_series(0, n - 1) s
    ON CONFLICT (shard) DO NOTHING;
  IF previous <> n THEN
    UPDATE layout SET shard_count = n, changed_at = now() WHERE id = 1;
  END IF;
  RETURN previous;
END $$;

-- The shard of a citizen's events: the first 32 bits of SHA-256(citizen_ref), modulo the
-- count (lib/audit/shards.ts computes the same).
CREATE FUNCTION shard_of(citizen_ref text, shard_count integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (('x' || left(encode(sha256(convert_to(citizen_ref, 'UTF8')), 'hex'), 8))::bit(32)::bigint % shard_count)::integer
$$;

-- Checkpoints now sign a Merkle root over every shard's head; their heads are kept beside
-- them. The single-chain checkpoints signed before (a JWS of {seq, hash}) stay: each is a
-- checkpoint of shard 0 alone, with no root.
ALTER TABLE checkpoints RENAME TO checkpoints_single_chain;
CREATE TABLE checkpoints (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Hex Merkle root (RFC 6962 tree) of the heads; NULL for a single-chain checkpoint.
  root       text        UNIQUE,
  signed_at  timestamptz NOT NULL,
  -- Compact JWS (ES256, broker key) of {"root","shards","iat"} (single-chain: {"seq","hash","iat"}).
  jws        text        NOT NULL
);
CREATE TABLE checkpoint_heads (
  checkpoint_id  bigint   NOT NULL REFERENCES checkpoints (id),
  shard          smallint NOT NULL,
  seq            bigint   NOT NULL,
  hash           text     NOT NULL,
  PRIMARY KEY (checkpoint_id, shard)
);
CREATE INDEX checkpoint_heads_shard_idx ON checkpoint_heads (shard, seq);

INSERT INTO checkpoints (id, root, signed_at, jws) OVERRIDING SYSTEM VALUE
  SELECT row_number() OVER (ORDER BY seq), NULL, signed_at, jws FROM checkpoints_single_chain;
INSERT INTO checkpoint_heads (checkpoint_id, shard, seq, hash)
  SELECT row_number() OVER (ORDER BY seq), 0, seq, hash FROM checkpoints_single_chain;
SELECT setval(pg_get_serial_sequence('checkpoints', 'id'), greatest((SELECT max(id) FROM checkpoints), 1), (SELECT count(*) > 0 FROM checkpoints));
DROP TABLE checkpoints_single_chain;

CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER checkpoint_heads_append_only BEFORE UPDATE OR DELETE ON checkpoint_heads
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER checkpoint_heads_no_truncate BEFORE TRUNCATE ON checkpoint_heads
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- Appending, as in 003, in one statement, now per shard: each event's shard is chosen, the
-- heads of the shards the batch touches are locked in shard order (no deadlock between
-- appenders), then the events are chained, written and those heads moved — one INSERT and
-- one UPDATE for the whole batch. An event of no citizen has no history to keep together:
-- it goes to any shard, at random, which spreads them. An event whose `deadline` has passed
-- once the locks are held (database clock) is not written and not returned.
-- Generic plans: a custom plan per call would plan every statement at every append.
DROP FUNCTION append(jsonb);
CREATE FUNCTION append(batch jsonb) RETURNS TABLE (idx integer, event_shard integer, event_seq bigint, event_hash text)
LANGUAGE plpgsql SET search_path FROM CURRENT SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  size integer := jsonb_array_length(batch);
  spread integer;
  targets integer[] := '{}';  -- targets[i]: the shard of event i
  heads text[] := '{}';       -- heads[s]: shard s's head hash as the batch moves it
  moved bigint[] := '{}';     -- moved[s]: the seq of the last event written to shard s
  head record;
  locked_at timestamptz;
  event jsonb;
  target integer;
  previous text;
  new_seq bigint;
  -- What is written: per event, its index in the batch, shard, seq, previous hash and hash.
  written integer[] := '{}';
  written_shards integer[] := '{}';
  seqs bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
BEGIN
  SELECT l.shard_count INTO spread FROM layout l WHERE l.id = 1;
  FOR i IN 0 .. size - 1 LOOP
    -- shard_of(citizenRef, spread), inline: a SQL function called from here is planned at every call.
    targets[i] := coalesce(('x' || left(encode(sha256(convert_to(batch -> i ->> 'citizenRef', 'UTF8')), 'hex'), 8))::bit(32)::bigint % spread,
                           floor(random() * spread))::integer;
  END LOOP;
  FOR head IN SELECT sh.shard, sh.head_hash FROM shards sh WHERE sh.shard = ANY (targets) ORDER BY sh.shard FOR UPDATE LOOP
    heads[head.shard] := head.head_hash;
  END LOOP;
  locked_at := clock_timestamp();
  FOR i IN 0 .. size - 1 LOOP
    event := batch -> i;
    CONTINUE WHEN event ? 'deadline' AND (event ->> 'deadline')::timestamptz <= locked_at;
    target := targets[i];
    previous := heads[target];
    IF previous IS NULL THEN
      RAISE EXCEPTION 'audit shard % has no head row: run the audit migrations (audit.set_shard_count)', target
        USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    new_seq := nextval('event_seq');
    heads[target] := encode(sha256(convert_to(
      previous || E'\n' || left(event ->> 'body', -1) || ',"seq":' || new_seq || '}', 'UTF8')), 'hex');
    moved[target] := new_seq;
    written := written || i;
    written_shards := written_shards || target;
    seqs := seqs || new_seq;
    prevs := prevs || previous;
    hashes := hashes || heads[target];
  END LOOP;
  INSERT INTO events (seq, shard, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash)
    SELECT w.seq, w.shard, (batch -> w.i ->> 'occurredAt')::timestamptz, batch -> w.i ->> 'kind', batch -> w.i ->> 'citizenRef',
           batch -> w.i ->> 'clientId', batch -> w.i -> 'data', w.prev_hash, w.hash
      FROM unnest(written, written_shards, seqs, prevs, hashes) AS w(i, shard, seq, prev_hash, hash);
  UPDATE shards sh SET head_seq = moved[sh.shard], head_hash = heads[sh.shard] WHERE sh.shard = ANY (written_shards);
  RETURN QUERY SELECT w.i, w.shard, w.seq, w.hash FROM unnest(written, written_shards, seqs, hashes) AS w(i, shard, seq, hash);
END $$;
