-- Events filed under a company (issue 15, docs/companies.md): a consent, an exchange or a
-- company mandate step done for a company carries `data.company.siren`. A company's
-- history (what everyone did for it, shown to its legal representatives on /mon-compte)
-- is read on this index, newest first, whatever the shard of each person who acted.
CREATE INDEX events_company_idx ON events ((data #>> '{company,siren}'), occurred_at DESC)
  WHERE data ? 'company';
