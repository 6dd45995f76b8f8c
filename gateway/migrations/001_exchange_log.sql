-- The exchange log: one row per request the gateway answered, success or refusal.
-- Append-only, partitioned by month (UTC) so that it can grow to hundreds of millions
-- of rows: old months are detached and archived/dropped as whole partitions
-- (docs/exchange-log.md), recent months stay small and hot.
-- Values are never stored: only field coordinates (`Vehicle.critAir`), never data.
CREATE TABLE gateway.exchange_log (
  id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  request_id text NOT NULL,
  client_id text,                -- the service provider (null when the token could not be read)
  subject text,                  -- the pairwise subject of the citizen for that SP
  grant_id text,
  acr text,
  operation_hash text,
  operation_name text,
  providers text[] NOT NULL DEFAULT '{}',   -- providers called
  fields text[] NOT NULL DEFAULT '{}',      -- coordinates of the fields returned with a value
  outcome text NOT NULL CHECK (outcome IN ('success', 'partial', 'refused', 'failed')),
  http_status smallint NOT NULL,
  error_codes text[] NOT NULL DEFAULT '{}',
  duration_ms integer NOT NULL
) PARTITION BY RANGE (occurred_at);

-- The citizen's history (the broker looks up each pairwise subject of the citizen).
CREATE INDEX exchange_log_subject_idx ON gateway.exchange_log (subject, occurred_at DESC) WHERE subject IS NOT NULL;
-- Audits of one service provider over a period.
CREATE INDEX exchange_log_client_idx ON gateway.exchange_log (client_id, occurred_at DESC);
-- Time-range scans (incidents, request-id lookups within a window): tiny, rows arrive in time order.
CREATE INDEX exchange_log_occurred_brin ON gateway.exchange_log USING brin (occurred_at);

CREATE FUNCTION gateway.refuse_exchange_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'gateway.exchange_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER exchange_log_append_only BEFORE UPDATE OR DELETE ON gateway.exchange_log
  FOR EACH ROW EXECUTE FUNCTION gateway.refuse_exchange_log_change();
CREATE TRIGGER exchange_log_no_truncate BEFORE TRUNCATE ON gateway.exchange_log
  FOR EACH STATEMENT EXECUTE FUNCTION gateway.refuse_exchange_log_change();

-- Creates the monthly partitions from the current month (UTC) to `months_ahead` months
-- later, if missing. Each gateway calls it at start-up and every few hours; several
-- gateways may call it at once (advisory lock). Row triggers are inherited by the
-- partitions; TRUNCATE triggers are not, so each partition gets its own.
CREATE FUNCTION gateway.ensure_exchange_log_partitions(months_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  month_start date;
  partition_name text;
  created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('gateway.exchange_log.partitions'));
  FOR i IN 0..months_ahead LOOP
    month_start := (first_month + make_interval(months => i))::date;
    partition_name := 'exchange_log_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass('gateway.' || partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE gateway.%I PARTITION OF gateway.exchange_log FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start::text || ' 00:00:00+00', (month_start + interval '1 month')::date::text || ' 00:00:00+00');
      EXECUTE format('CREATE TRIGGER exchange_log_no_truncate BEFORE TRUNCATE ON gateway.%I FOR EACH STATEMENT EXECUTE FUNCTION gateway.refuse_exchange_log_change()', partition_name);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;

SELECT gateway.ensure_exchange_log_partitions(3);
