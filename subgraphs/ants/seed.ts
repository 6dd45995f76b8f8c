import type { SyntheticHousehold } from '../../sandbox/seed/households.ts';
import { SANDBOX_IDENTITIES as who, SANDBOX_RELATIVES as relative } from '../../sandbox/seed/identities.ts';
import type { Random } from '../../sandbox/seed/random.ts';
import { registryPerson, SPELLINGS, type RegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import { critAirClass, type Energy } from './crit-air.ts';
import type { AntsRecords, VehicleRecord } from './records.ts';

/** ANTS seed data: the SIV keeps names as the civil status spells them. */
const spelling = SPELLINGS.civilStatus;

function car(
  registrationNumber: string,
  make: string,
  model: string,
  energy: Energy,
  firstRegistrationDate: string,
  holders: VehicleRecord['holders'],
): VehicleRecord {
  return {
    registrationNumber,
    make,
    model,
    category: 'M1',
    energy,
    firstRegistrationDate,
    critAir: critAirClass(energy, firstRegistrationDate),
    holders,
  };
}

function sandboxRecords(): AntsRecords {
  return {
    persons: [
      registryPerson('SIV-T-0000001', who['marie.dupont']!, spelling),
      registryPerson('SIV-T-0000002', who['jean.martin']!, spelling),
      registryPerson('SIV-T-0000003', who['sofia.garcia']!, spelling),
      registryPerson('SIV-T-0000004', who['lucas.bernard']!, spelling),
      registryPerson('SIV-T-0000006', who['anne-sophie.lefevre-roy']!, spelling),
      registryPerson('SIV-T-0000007', relative['julien.marchand']!, spelling),
      registryPerson('SIV-T-0000008', who['yvonne.martin']!, spelling),
    ],
    vehicles: [
      car('GE-512-KL', 'Renault', 'Zoé', 'ELECTRIC', '2021-05-18', [{ ref: 'SIV-T-0000001', role: 'HOLDER' }]), // Crit'Air 0
      car('CH-318-XN', 'Peugeot', '308', 'DIESEL', '2012-03-15', [{ ref: 'SIV-T-0000002', role: 'HOLDER' }]), // Crit'Air 2
      car('FK-287-BT', 'Seat', 'Ibiza', 'PETROL', '2019-09-10', [{ ref: 'SIV-T-0000003', role: 'HOLDER' }]), // Crit'Air 1
      car('EQ-644-RD', 'Peugeot', '208', 'PETROL', '2017-04-21', [{ ref: 'SIV-T-0000004', role: 'HOLDER' }]), // Crit'Air 1
      car('AG-731-TE', 'Citroën', 'C4 Picasso', 'DIESEL', '2009-06-12', [{ ref: 'SIV-T-0000006', role: 'HOLDER' }]), // Crit'Air 3
      // Held by Julien, co-held by Anne-Sophie.
      car('FV-926-HS', 'Toyota', 'Yaris', 'HYBRID_PETROL', '2020-10-05', [
        { ref: 'SIV-T-0000007', role: 'HOLDER' },
        { ref: 'SIV-T-0000006', role: 'CO_HOLDER' },
      ]), // Crit'Air 1
      car('GB-154-MY', 'Peugeot', '208', 'PETROL', '2021-06-02', [{ ref: 'SIV-T-0000008', role: 'HOLDER' }]), // Crit'Air 1
    ],
  };
}

/**
 * Synthetic registration numbers: vehicle number n (household × 4 + rank) mapped by a
 * bijection onto the 23⁴ × 999 SIV numbers (letters without I, O, U; digits 001–999),
 * so they look spread like real ones and never repeat.
 */
const LETTERS = 'ABCDEFGHJKLMNPQRSTVWXYZ';
const PLATES = 23 ** 4 * 999;
const MULTIPLIER = 1_000_003; // prime, coprime with 23, 3 and 37
const OFFSET = 12_345_678;
export const MAX_VEHICLES_PER_HOUSEHOLD = 4;

export function syntheticPlate(vehicleNumber: number): string {
  const n = Number((BigInt(vehicleNumber) * BigInt(MULTIPLIER) + BigInt(OFFSET)) % BigInt(PLATES));
  const digits = String((n % 999) + 1).padStart(3, '0');
  let rest = Math.floor(n / 999);
  const letters: string[] = [];
  for (let i = 0; i < 4; i++) {
    letters.unshift(LETTERS[rest % 23]!);
    rest = Math.floor(rest / 23);
  }
  return `${letters[0]}${letters[1]}-${digits}-${letters[2]}${letters[3]}`;
}

/** The vehicle number a synthetic plate encodes (to prove sandbox plates are outside the synthetic range). */
export function vehicleNumberOfPlate(plate: string): number {
  const [, a, digits, b] = /^([A-Z]{2})-(\d{3})-([A-Z]{2})$/.exec(plate)!;
  let rest = 0;
  for (const letter of `${a}${b}`) rest = rest * 23 + LETTERS.indexOf(letter);
  const n = BigInt(rest * 999 + Number(digits) - 1);
  const inverse = modularInverse(BigInt(MULTIPLIER), BigInt(PLATES));
  const modulus = BigInt(PLATES);
  return Number((((((n - BigInt(OFFSET)) % modulus) + modulus) % modulus) * inverse) % modulus);
}

function modularInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

const MODELS: Record<Energy, Array<[string, string]>> = {
  ELECTRIC: [
    ['Renault', 'Zoé'],
    ['Tesla', 'Model 3'],
    ['Peugeot', 'e-208'],
    ['Dacia', 'Spring'],
    ['MG', 'MG4'],
  ],
  HYDROGEN: [['Toyota', 'Mirai']],
  PETROL: [
    ['Renault', 'Clio'],
    ['Peugeot', '208'],
    ['Citroën', 'C3'],
    ['Dacia', 'Sandero'],
    ['Volkswagen', 'Polo'],
    ['Ford', 'Fiesta'],
    ['Opel', 'Corsa'],
    ['Renault', 'Captur'],
    ['Fiat', '500'],
  ],
  DIESEL: [
    ['Peugeot', '308'],
    ['Peugeot', '3008'],
    ['Renault', 'Mégane'],
    ['Citroën', 'C4'],
    ['Dacia', 'Duster'],
    ['Volkswagen', 'Golf'],
    ['Citroën', 'Berlingo'],
    ['Renault', 'Scénic'],
  ],
  HYBRID_PETROL: [
    ['Toyota', 'Yaris'],
    ['Toyota', 'C-HR'],
    ['Renault', 'Clio E-Tech'],
    ['Toyota', 'Corolla'],
  ],
  HYBRID_DIESEL: [['Peugeot', '3008 HYbrid4']],
  PLUG_IN_HYBRID: [
    ['Peugeot', '3008 Hybrid'],
    ['Renault', 'Captur E-Tech'],
    ['Kia', 'Niro'],
  ],
  LPG: [
    ['Dacia', 'Sandero ECO-G'],
    ['Renault', 'Clio LPG'],
  ],
  NATURAL_GAS: [['Fiat', 'Panda Natural Power']],
};

/** Fleet ages: about 11 years on average; energies by period, diesel dominant before 2019. */
function syntheticCar(random: Random): Omit<VehicleRecord, 'registrationNumber' | 'holders'> {
  const year = 2024 - Math.floor(30 * random.next() ** 1.6);
  const energy: Energy =
    year >= 2019
      ? random.weighted([
          ['PETROL', 48],
          ['DIESEL', 22],
          ['HYBRID_PETROL', 11],
          ['ELECTRIC', 9],
          ['PLUG_IN_HYBRID', 5],
          ['LPG', 3],
          ['HYBRID_DIESEL', 1],
          ['NATURAL_GAS', 0.5],
          ['HYDROGEN', 0.05],
        ])
      : year >= 2011
        ? random.weighted([
            ['DIESEL', 58],
            ['PETROL', 36],
            ['HYBRID_PETROL', 3],
            ['LPG', 2],
            ['ELECTRIC', 1],
          ])
        : random.weighted([
            ['DIESEL', 52],
            ['PETROL', 46],
            ['LPG', 2],
          ]);
  const [make, model] = random.pick(MODELS[energy]);
  const date = `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  return { make, model, category: 'M1', energy, firstRegistrationDate: date, critAir: critAirClass(energy, date) };
}

function syntheticRecords(households: SyntheticHousehold[]): AntsRecords {
  const records: AntsRecords = { persons: [], vehicles: [] };
  for (const h of households) {
    const random = h.random('ants');
    const count =
      h.adults.length === 2
        ? random.weighted([
            [0, 10],
            [1, 42],
            [2, 38],
            [3, 8],
            [4, 2],
          ])
        : random.weighted([
            [0, 25],
            [1, 62],
            [2, 11],
            [3, 2],
          ]);
    const holders = new Set<string>();
    for (let rank = 0; rank < count; rank++) {
      const holder = h.adults[rank % h.adults.length]!;
      const partner = h.adults.find((a) => a !== holder);
      const coHolder = partner && random.chance(0.25) ? partner : undefined;
      records.vehicles.push({
        ...syntheticCar(random),
        registrationNumber: syntheticPlate(h.index * MAX_VEHICLES_PER_HOUSEHOLD + rank),
        holders: [
          { ref: `SIV-S-${holder.ref}`, role: 'HOLDER' },
          ...(coHolder ? [{ ref: `SIV-S-${coHolder.ref}`, role: 'CO_HOLDER' as const }] : []),
        ],
      });
      holders.add(holder.ref);
      if (coHolder) holders.add(coHolder.ref);
    }
    for (const adult of h.adults) {
      if (holders.has(adult.ref)) records.persons.push(registryPerson(`SIV-S-${adult.ref}`, adult.pivot, spelling));
    }
  }
  return records;
}

export const registrySeed: RegistrySeed<AntsRecords> = { sandboxRecords, syntheticRecords };
