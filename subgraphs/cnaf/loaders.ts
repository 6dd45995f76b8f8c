import DataLoader from 'dataloader';
import type { PersonId } from '../../lib/subgraph/citizen-matcher.ts';
import { groupByPerson } from '../../lib/subgraph/provider.ts';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';

/**
 * One loader per table the schema reads, each one query per request for every person
 * asked (all joined through `dossier_member_person_id_key`, a person being in one file).
 * "Now" is the database's `current_date`, so every process of a provider agrees.
 */
export interface QuotientRow {
  person_id: number;
  regime: 'CAF' | 'MSA';
  month: string;
  value: number;
}
export interface Benefit {
  kind: string;
  monthly_amount: number;
  since: string;
}
export interface BenefitsRow {
  person_id: number;
  benefits: Benefit[];
}
export interface ChildrenRow {
  person_id: number;
  dependent_children: number;
}

// The latest quotient computed up to this month.
const QUOTIENTS = `SELECT m.person_id, to_char(q.month, 'YYYY-MM') AS month, q.value,
    (SELECT regime FROM cnaf.dossier WHERE id = m.dossier_id) AS regime
  FROM cnaf.dossier_member m
  JOIN LATERAL (
    SELECT month, value FROM cnaf.family_quotient
    WHERE dossier_id = m.dossier_id AND month <= current_date
    ORDER BY month DESC LIMIT 1
  ) q ON true
  WHERE m.person_id = ANY ($1::bigint[])`;

// Benefits open today, as one JSON array per person ([] for a file without any).
// Correlated subqueries keep the plan an index lookup per file whatever the statistics.
const BENEFITS = `SELECT m.person_id, coalesce((
    SELECT json_agg(json_build_object('kind', b.kind, 'monthly_amount', b.monthly_amount, 'since', to_char(b.since, 'YYYY-MM-DD'))
      ORDER BY b.since, b.kind)
    FROM cnaf.benefit b
    WHERE b.dossier_id = m.dossier_id AND b.since <= current_date AND (b.until IS NULL OR b.until >= current_date)
  ), '[]') AS benefits
  FROM cnaf.dossier_member m
  WHERE m.person_id = ANY ($1::bigint[])`;

const CHILDREN = `SELECT m.person_id,
    (SELECT count(*) FROM cnaf.child c WHERE c.dossier_id = m.dossier_id AND c.dependent)::int AS dependent_children
  FROM cnaf.dossier_member m
  WHERE m.person_id = ANY ($1::bigint[])`;

export interface CnafLoaders {
  quotient: DataLoader<PersonId, QuotientRow | null>;
  /** null: not a beneficiary; []: a beneficiary with no open benefit. */
  benefits: DataLoader<PersonId, Benefit[] | null>;
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
      const rows = await db.query<BenefitsRow>('cnaf_benefits', BENEFITS, [personIds]);
      return groupByPerson(personIds, rows).map((group) => group[0]?.benefits ?? null);
    }),
    dependentChildren: new DataLoader(async (personIds) => {
      const rows = await db.query<ChildrenRow>('cnaf_children', CHILDREN, [personIds]);
      return groupByPerson(personIds, rows).map((group) => group[0]?.dependent_children ?? null);
    }),
  };
}
