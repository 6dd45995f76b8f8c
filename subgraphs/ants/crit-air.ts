/**
 * The Crit'Air class of a passenger car (M1) from its energy and date of first
 * registration, as the French rules (arrêté du 21 juin 2016) derive it from the Euro
 * emission standard in force at that date. Null: too old to be classified.
 */
export type Energy =
  | 'ELECTRIC'
  | 'HYDROGEN'
  | 'PETROL'
  | 'DIESEL'
  | 'HYBRID_PETROL'
  | 'HYBRID_DIESEL'
  | 'PLUG_IN_HYBRID'
  | 'LPG'
  | 'NATURAL_GAS';

export function critAirClass(energy: Energy, firstRegistrationDate: string): number | null {
  if (energy === 'ELECTRIC' || energy === 'HYDROGEN') return 0;
  // Gas and plug-in hybrids are class 1 whatever their age.
  if (energy === 'LPG' || energy === 'NATURAL_GAS' || energy === 'PLUG_IN_HYBRID') return 1;
  const date = firstRegistrationDate.slice(0, 10);
  // Other hybrids are classed by their combustion engine.
  if (energy === 'DIESEL' || energy === 'HYBRID_DIESEL') {
    if (date >= '2011-01-01') return 2; // Euro 5 and 6
    if (date >= '2006-01-01') return 3; // Euro 4
    if (date >= '2001-01-01') return 4; // Euro 3
    if (date >= '1997-01-01') return 5; // Euro 2
    return null;
  }
  if (date >= '2011-01-01') return 1; // petrol Euro 5 and 6
  if (date >= '2006-01-01') return 2; // Euro 4
  if (date >= '1997-01-01') return 3; // Euro 2 and 3
  return null;
}
