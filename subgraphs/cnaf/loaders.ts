import DataLoader from 'dataloader';
import type { PersonId } from '../../lib/subgraph/citizen-matcher.ts';
import { groupByPerson } from '../../lib/subgraph/provider.ts';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';

/**
 * One loader per table the schema reads, each one query per request for every person
 * asked (all joined through `dossier_member_person_id_key`, a person being in one file).
 * "Now" is the database's `current_date`, so every process of a provider agrees.
 */
export interface QuotientRow { person_id: number; regime: 'CAF' | 'MSA'; month: string; value: number }
/** `kind` is null for a file with no open benefit (the person is still a beneficiary). */
export interface BenefitRow { person_id: number; kind: string | null; monthly_amount: number | null; since: string | null }
export interface ChildrenRow { person_id: number; dependent_children: number }

// The latest quotient computed up to this month.
const QUOTIENTS = `SELECT m.person_id, d.regime, to_char(q.month, 'YYYY-MM') AS month, q.value
  FROM cnaf.dossier_member m
  JOIN cnaf.dossier d ON d.id = m.dossier_id
  JOIN LATERAL (
    SELECT month, value FROM cnaf.family_quotient
    WHERE dossier_id = m.dossier_id AND month <= current_date
    ORDER BY month DESC LIMIT 1
  ) q ON true
  WHERE m.person_id = ANY ($1::bigint[])`;

// Benefits open today; one row with null kind for a file without any.
const BENEFITS = `SELECT m.person_id, b.kind, b.monthly_amount, b.since
  FROM cnaf.dossier_member m
  LEFT JOIN cnaf.benefit b ON b.dossier_id = m.dossier_id
    AND b.since <= current_date AND (b.until IS NULL OR b.until >= current_date)
  WHERE m.person_id = ANY ($1::bigint[])
  ORDER BY m.person_id, b.since, b.kind`;

const CHILDREN = `SELECT m.person_id, count(c.id)::int AS dependent_children
  FROM cnaf.dossier_member m
  LEFT JOIN cnaf.child c ON c.dossier_id = m.dossier_id AND c.dependent
  WHERE m.person_id = ANY ($1::bigint[])
  GROUP BY m.person_id`;

export interface CnafLoaders {
  quotient: DataLoader<PersonId, QuotientRow | null>;
  /** null: not a beneficiary; []: a beneficiary with no open benefit. */
  benefits: DataLoader<PersonId, BenefitRow[] | null>;
  /** null: not a beneficiary. */
  dependentChildren: DataLoader<PersonId, number | null>;
}

export function createLoaders(db: RequestDatabase): CnafLoaders {
  return {
    quotient: new DataLoader(async (personIds) => {
      const rows = await db.query<QuotientRow>('cnaf_quotients', QUOTIENTS, [personIds]);
      return groupByPerson(personIds, rows).map((group) => group[0] ?? null);
    }),
    benefits: new DataLoader(async (personIds) => {
      const rows = await db.query<BenefitRow>('cnaf_benefits', BENEFITS, [personIds]);
      return groupByPerson(personIds, rows).map((group) => (group.length ? group.filter((row) => row.kind !== null) : null));
    }),
    dependentChildren: new DataLoader(async (personIds) => {
      const rows = await db.query<ChildrenRow>('cnaf_children', CHILDREN, [personIds]);
      return groupByPerson(personIds, rows).map((group) => group[0]?.dependent_children ?? null);
    }),
  };
}
