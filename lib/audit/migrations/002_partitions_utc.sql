-- ensure_partitions() again, now that gateways call it too (every few hours, several at
-- once): an advisory lock so that two processes never race to create the same month,
-- month boundaries in UTC whatever the session's TimeZone, and the number of partitions
-- created as its result.
DROP FUNCTION ensure_partitions(integer);

CREATE FUNCTION ensure_partitions(months_ahead integer) RETURNS integer LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  first date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  m date;
  name text;
  created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('passerelle.audit.partitions'));
  FOR i IN 0..months_ahead LOOP
    m := (first + make_interval(months => i))::date;
    name := 'events_' || to_char(m, 'YYYY_MM');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
        name, m::text || ' 00:00:00+00', (m + interval '1 month')::date::text || ' 00:00:00+00');
      -- Row triggers are inherited by partitions, TRUNCATE triggers are not.
      EXECUTE format('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION forbid_change()', name);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

-- The partitions 001 created before this one have no TRUNCATE trigger of their own.
DO $$
DECLARE
  part text;
BEGIN
  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass LOOP
    EXECUTE format('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION forbid_change()', part);
  END LOOP;
END $$;
