-- URSSAF: the contribution account of each company (compte cotisant), by SIREN, as of its
-- last check: up to date or not, the attestation de vigilance issued then (its number and
-- date; valid six months), and the declared employee band (INSEE tranche d'effectif).
-- URSSAF answers about companies only: the runtime's `person` table stays empty.
CREATE TABLE contribution_account (
  siren text PRIMARY KEY CHECK (siren ~ '^[0-9]{9}$'),
  checked_on date NOT NULL,
  up_to_date boolean NOT NULL,
  -- the attestation's number (code de sécurité): exactly when up to date
  attestation_number text UNIQUE CHECK (attestation_number ~ '^[A-Z0-9]{15}$'),
  employees_band text NOT NULL CHECK (employees_band ~ '^(NN|00|01|02|03|11|12|21|22|31|32|41|42|51|52|53)$'),
  CHECK (up_to_date = (attestation_number IS NOT NULL))
);
