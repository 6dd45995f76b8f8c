import { daysFrom, SANDBOX_COMPANIES, type SyntheticCompany } from '../../sandbox/seed/companies.ts';
import type { Random } from '../../sandbox/seed/random.ts';
import type { RegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import type { ContributionAccountRecord, UrssafRecords } from './records.ts';

/**
 * URSSAF seed data: one contribution account per company. An attestation is dated when
 * URSSAF last checked the account (within the last six months, so the sandbox's are valid
 * today); a company not up to date gets none.
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A 15-character attestation number (the "code de sécurité" printed on the attestation). */
function attestationNumber(random: Random): string {
  let number = '';
  for (let i = 0; i < 15; i++) number += ALPHABET[random.int(0, ALPHABET.length - 1)];
  return number;
}

/**
 * The sandbox companies (docs/sandbox.md "Sandbox companies"): Marie's bakery (two
 * employees) is up to date; Jean's haulage company (twelve employees) is NOT — its
 * contributions of last month are unpaid, so no attestation is issued; Camille's trade and
 * Anne-Sophie's consulting company are up to date.
 */
function sandboxRecords(today: Date): UrssafRecords {
  const { boulangerieDupont, transportsMartin, petitCamille, lefevreRoyConseil } = SANDBOX_COMPANIES;
  return {
    accounts: [
      {
        siren: boulangerieDupont,
        checkedOn: daysFrom(today, -12),
        attestationNumber: 'BDUP7K4M9Q2X5TW',
        employeesBand: '01',
      },
      { siren: transportsMartin, checkedOn: daysFrom(today, -3), employeesBand: '11' },
      {
        siren: petitCamille,
        checkedOn: daysFrom(today, -40),
        attestationNumber: 'PCAM3R8N2V6Y4HZ',
        employeesBand: 'NN',
      },
      {
        siren: lefevreRoyConseil,
        checkedOn: daysFrom(today, -75),
        attestationNumber: 'LRCS5W2P8E3K7MA',
        employeesBand: '00',
      },
    ],
  };
}

/**
 * Synthetic companies (sandbox/seed/companies.ts): every active company has an account;
 * about one in eight is not up to date. Ceased companies' accounts are closed (none here).
 */
function syntheticCompanyRecords(companies: SyntheticCompany[], today: Date): UrssafRecords {
  const accounts: ContributionAccountRecord[] = [];
  for (const c of companies) {
    if (c.ceasedOn) continue;
    const random = c.random('urssaf');
    const upToDate = !random.chance(0.12);
    const checkedOn = daysFrom(today, -random.int(0, upToDate ? 175 : 30));
    accounts.push({
      siren: c.siren,
      checkedOn,
      ...(upToDate ? { attestationNumber: attestationNumber(random) } : {}),
      employeesBand: c.employeesBand,
    });
  }
  return { accounts };
}

export const registrySeed: RegistrySeed<UrssafRecords> = { sandboxRecords, syntheticCompanyRecords };
