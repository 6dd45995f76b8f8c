-- The broker's account id for the citizen (`citizen_ref` of the pivot token: one id for
-- every SP and sign-in), so that the citizen's history is one index lookup. It replaces
-- the per-SP pairwise subject as the history key (that one would need a lookup per SP
-- sector); the pairwise subject stays in the row for SP-side audits, found through the
-- client index.
ALTER TABLE gateway.exchange_log ADD COLUMN citizen_ref text;
CREATE INDEX exchange_log_citizen_idx ON gateway.exchange_log (citizen_ref, occurred_at DESC) WHERE citizen_ref IS NOT NULL;
DROP INDEX gateway.exchange_log_subject_idx;
