-- Appending in one statement: the chain head is locked, the events chained and written,
-- the head moved, all inside PostgreSQL. Appenders are serialized by the head lock, so
-- the time it is held bounds the chain's throughput; computed here, it is held for the
-- server's own work and the commit, never for a round trip to the application (whose
-- event loop, under load, takes milliseconds to come back).
--
-- The application sends, per event, its columns and `body`: the RFC 8785 (JCS) JSON of
-- {citizenRef, clientId, data, kind, occurredAt}. "seq" sorts after each of those keys,
-- so the JCS of the chained fields (lib/audit/chain.ts) is `body` without its closing
-- brace, then ,"seq":<seq>} — the very bytes the application and `audit verify` hash:
--   hash(n) = SHA-256( hash(n-1) || "\n" || JCS({seq, occurredAt, kind, citizenRef, clientId, data}) )
--
-- An event whose `deadline` has passed once the lock is held (database clock) is not
-- written and not returned: its caller has answered, or is about to answer, without it.
CREATE FUNCTION append(batch jsonb) RETURNS TABLE (idx integer, event_seq bigint, event_hash text)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  locked_at timestamptz;
  event jsonb;
  previous text;
BEGIN
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM chain_head h WHERE h.id = 1 FOR UPDATE;
  locked_at := clock_timestamp();
  FOR i IN 0 .. jsonb_array_length(batch) - 1 LOOP
    event := batch -> i;
    CONTINUE WHEN event ? 'deadline' AND (event ->> 'deadline')::timestamptz <= locked_at;
    previous := head_hash;
    head_seq := head_seq + 1;
    head_hash := encode(sha256(convert_to(
      previous || E'\n' || left(event ->> 'body', -1) || ',"seq":' || head_seq || '}', 'UTF8')), 'hex');
    INSERT INTO events (seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash)
    VALUES (head_seq, (event ->> 'occurredAt')::timestamptz, event ->> 'kind', event ->> 'citizenRef',
            event ->> 'clientId', event -> 'data', previous, head_hash);
    idx := i;
    event_seq := head_seq;
    event_hash := head_hash;
    RETURN NEXT;
  END LOOP;
  UPDATE chain_head SET seq = head_seq, hash = head_hash WHERE id = 1;
END $$;
