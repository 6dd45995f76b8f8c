-- Entreprises: companies (unités légales) and their establishments (INSEE Sirene), and
-- the legal representatives the register records for each company (people are the
-- runtime's `person` table, lib/subgraph/migrations/, applied first).

-- A person's `ref` is the register's number for a natural person: PP and 10 digits.
ALTER TABLE person ADD CONSTRAINT person_ref_check CHECK (ref ~ '^PP[0-9]{10}$');

-- The SIREN's and SIRET's check digits are checked on load (lib/contracts/company-identifiers.ts).
CREATE TABLE company (
  siren text PRIMARY KEY CHECK (siren ~ '^[0-9]{9}$'),
  legal_name text NOT NULL CHECK (legal_name <> ''),
  -- catégorie juridique, INSEE level III (4 digits)
  legal_form text NOT NULL CHECK (legal_form ~ '^[0-9]{4}$'),
  -- activité principale exercée, NAF rév. 2 (e.g. 10.71C)
  naf_code text NOT NULL CHECK (naf_code ~ '^[0-9]{2}\.[0-9]{2}[A-Z]$'),
  created_on date NOT NULL,
  ceased_on date CHECK (ceased_on IS NULL OR ceased_on >= created_on)
);

CREATE TABLE establishment (
  siret text PRIMARY KEY CHECK (siret ~ '^[0-9]{14}$'),
  siren text NOT NULL REFERENCES company (siren) ON DELETE CASCADE CHECK (left(siret, 9) = siren),
  head_office boolean NOT NULL,
  closed_on date,
  address_lines text[] NOT NULL CHECK (cardinality(address_lines) BETWEEN 1 AND 3),
  postal_code text NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
  city text NOT NULL,
  city_code text NOT NULL CHECK (city_code ~ '^([0-9]{2}|2A|2B)[0-9]{3}$')
);
CREATE INDEX establishment_siren_idx ON establishment (siren);
-- One head office per company.
CREATE UNIQUE INDEX establishment_head_office_key ON establishment (siren) WHERE head_office;

-- A legal representative's term: open while `until` is null.
CREATE TABLE legal_representative (
  siren text NOT NULL REFERENCES company (siren) ON DELETE CASCADE,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('ENTREPRENEUR_INDIVIDUEL', 'GERANT', 'PRESIDENT', 'DIRECTEUR_GENERAL', 'PRESIDENT_CONSEIL_ADMINISTRATION')),
  since date NOT NULL,
  until date CHECK (until IS NULL OR until >= since),
  PRIMARY KEY (siren, person_id, role, since)
);
-- A director's companies: one lookup.
CREATE INDEX legal_representative_person_idx ON legal_representative (person_id);
