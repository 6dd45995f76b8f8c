-- Fixed-window quota counters shared by every broker and gateway process (lib/quota/store.ts):
-- one row per service provider, quota, partition (the operation of a per-operation quota, else
-- '') and window, incremented atomically by INSERT … ON CONFLICT DO UPDATE … RETURNING.
-- UNLOGGED: no WAL, so an increment never waits for a disk flush while it holds the row of a
-- busy window; a database crash empties the table, which only restarts the windows.
CREATE UNLOGGED TABLE quota.counters (
  client_id text NOT NULL,
  quota text NOT NULL,
  partition_key text NOT NULL DEFAULT '',
  window_start timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (client_id, quota, partition_key, window_start)
);
-- Rows of ended windows are deleted by each process every minute (QuotaCounterStore.purgeExpired).
CREATE INDEX counters_expires_at_idx ON quota.counters (expires_at);
