-- The tax compliance of companies (attestation de régularité fiscale), by SIREN: whether the
-- company has filed its business tax returns and paid (or is covered by a payment plan) as
-- of `as_of`, and, when not, each obligation not met. Companies are not persons: no link to
-- `person`; the SIREN is the company's public identifier (docs/companies.md).
CREATE TABLE company_tax_compliance (
  siren text PRIMARY KEY CHECK (siren ~ '^[0-9]{9}$'),
  as_of date NOT NULL,
  up_to_date boolean NOT NULL,
  -- [{ "tax": "TVA", "kind": "RETURN_NOT_FILED", "period": "2025-T2" }, …], [] when up to date
  shortfalls jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(shortfalls) = 'array'),
  CHECK (up_to_date = (shortfalls = '[]'::jsonb))
);
