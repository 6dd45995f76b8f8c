import type { PoolClient } from '../../lib/db/database.ts';
import {
  bulkInsert,
  deletePersons,
  insertPersons,
  personIdOf,
  reserveIds,
  type RegistryPerson,
} from '../../lib/subgraph/registry-writer.ts';
import type { Energy } from './crit-air.ts';

/** What the ANTS vehicle registry holds, as loaded by seeds and imports. */
export interface AntsRecords {
  /** Holders; `ref` is the SIV holder number. */
  persons: RegistryPerson[];
  vehicles: VehicleRecord[];
}

export interface VehicleRecord {
  registrationNumber: string;
  make: string;
  model: string;
  category: string;
  energy: Energy;
  firstRegistrationDate: string;
  critAir: number | null;
  /** The holder first; a co-holder may follow. */
  holders: Array<{ ref: string; role: 'HOLDER' | 'CO_HOLDER' }>;
}

/**
 * Writes the records in a few multi-row statements. `replace`: the same holders and
 * registration numbers are deleted first, so writing the same records again changes nothing.
 */
export async function writeRecords(
  client: PoolClient,
  records: AntsRecords,
  options: { replace?: boolean } = {},
): Promise<void> {
  if (options.replace) {
    await deletePersons(
      client,
      'ants',
      records.persons.map((p) => p.ref),
    );
    await client.query('DELETE FROM ants.vehicle WHERE registration_number = ANY ($1::text[])', [
      records.vehicles.map((v) => v.registrationNumber),
    ]);
  }
  const personIds = await insertPersons(client, 'ants', records.persons);
  const vehicleIds = await reserveIds(client, 'ants.vehicle', records.vehicles.length);
  await bulkInsert(
    client,
    'ants.vehicle',
    [
      { name: 'id', type: 'bigint' },
      { name: 'registration_number', type: 'text' },
      { name: 'make', type: 'text' },
      { name: 'model', type: 'text' },
      { name: 'category', type: 'text' },
      { name: 'energy', type: 'text' },
      { name: 'first_registration_date', type: 'date' },
      { name: 'crit_air', type: 'smallint' },
    ],
    records.vehicles.map((v, i) => [
      vehicleIds[i],
      v.registrationNumber,
      v.make,
      v.model,
      v.category,
      v.energy,
      v.firstRegistrationDate,
      v.critAir,
    ]),
  );
  await bulkInsert(
    client,
    'ants.vehicle_holder',
    [
      { name: 'vehicle_id', type: 'bigint' },
      { name: 'person_id', type: 'bigint' },
      { name: 'role', type: 'text' },
    ],
    records.vehicles.flatMap((v, i) => v.holders.map((h) => [vehicleIds[i], personIdOf(personIds, h.ref), h.role])),
  );
}
