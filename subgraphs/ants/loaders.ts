import DataLoader from 'dataloader';
import type { PersonId } from '../../lib/subgraph/citizen-matcher.ts';
import { groupByPerson } from '../../lib/subgraph/provider.ts';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';

/** A vehicle a person holds or co-holds, with the role. */
export interface VehicleRow {
  person_id: number;
  role: 'HOLDER' | 'CO_HOLDER';
  registration_number: string;
  make: string;
  model: string;
  category: string;
  energy: string;
  first_registration_date: string;
  crit_air: number | null;
}

// One query for every person of the request (indexes: vehicle_holder_person_idx, vehicle pkey).
const VEHICLES = `SELECT h.person_id, h.role, v.registration_number, v.make, v.model, v.category, v.energy,
    v.first_registration_date, v.crit_air
  FROM ants.vehicle_holder h
  JOIN ants.vehicle v ON v.id = h.vehicle_id
  WHERE h.person_id = ANY ($1::bigint[])
  ORDER BY h.person_id, v.first_registration_date, v.registration_number`;

export interface AntsLoaders {
  vehicles: DataLoader<PersonId, VehicleRow[]>;
}

export function createLoaders(db: RequestDatabase): AntsLoaders {
  return {
    vehicles: new DataLoader(async (personIds) => {
      const rows = await db.query<VehicleRow>('ants_vehicles', VEHICLES, [personIds]);
      return groupByPerson(personIds, rows);
    }),
  };
}
