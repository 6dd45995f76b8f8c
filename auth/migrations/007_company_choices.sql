-- Acting for a company (issue 15, docs/companies.md).
-- "Pour quelle entreprise ?" shares its interaction's row of the "for whom" answers (006):
-- `offered` is what the page listed (the broker's read of the company register, kept so
-- that the answer is checked against exactly what was shown), `company` the company and
-- establishment chosen (the pivot token's `company`, lib/contracts/pivot-token.ts).
ALTER TABLE representation_choices ADD COLUMN offered jsonb;
ALTER TABLE representation_choices ADD COLUMN company jsonb;

-- The grants obtained for a company, written with the grant at consent: their tokens
-- describe the company (ID token, userinfo) and carry it to the gateway (pivot token).
CREATE TABLE company_grants (
  grant_id   text        PRIMARY KEY,
  company    jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
