-- Progress of the synthetic companies loaded by `passerelle seed --companies N`, per data
-- provider that knows companies (sandbox/seed/companies.ts): companies 0 .. companies-1 are
-- written. Each batch commits with its progress, so an interrupted seed resumes where it stopped.
CREATE TABLE company_progress (
  provider text PRIMARY KEY,
  companies integer NOT NULL CHECK (companies >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
