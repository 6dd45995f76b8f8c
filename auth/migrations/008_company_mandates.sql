-- Company mandates (issue 15, docs/companies.md "Company mandates"): a legal
-- representative of a company lets someone (an employee, an accountant) act for the
-- COMPANY, on the mandate model of 005: same domains, dates, invitation, acceptance, end,
-- audit. `company` is the company (SIREN, name, establishments as the register gave them
-- when the mandate was created, checked then against the creator's legal
-- representations); NULL for a mandate between citizens. The mandator columns name the
-- legal representative who gave it.
ALTER TABLE mandates ADD COLUMN company jsonb;
CREATE INDEX mandates_company ON mandates ((company ->> 'siren')) WHERE company IS NOT NULL;
