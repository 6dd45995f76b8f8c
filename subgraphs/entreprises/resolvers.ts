import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  forMatchedCitizen,
  type CitizenRef,
  type CompanyRef,
  type SubgraphContext,
} from '../../lib/subgraph/provider.ts';
import type { CompanyRow, EntreprisesLoaders, EstablishmentRow, RepresentationRow } from './loaders.ts';
import { LEGAL_FORMS, NAF_ACTIVITIES, ROLE_LABELS } from './nomenclatures.ts';

type Context = SubgraphContext<EntreprisesLoaders>;

/** `Establishment` of ./schema.graphql. */
function establishment(row: EstablishmentRow) {
  return {
    siret: row.siret,
    headOffice: row.head_office,
    active: row.active,
    address: { lines: row.lines, postalCode: row.postal_code, city: row.city, cityCode: row.city_code },
  };
}

/** `Company` of ./schema.graphql, with its establishments. */
type CompanyView = ReturnType<typeof company>;
function company(row: CompanyRow) {
  const establishments = row.establishments.map(establishment);
  return {
    siren: row.siren,
    legalName: row.legal_name,
    legalForm: { code: row.legal_form, label: LEGAL_FORMS[row.legal_form] },
    activity: { nafCode: row.naf_code, label: NAF_ACTIVITIES[row.naf_code] },
    creationDate: row.created_on,
    active: row.active,
    ceasedOn: row.ceased_on,
    headOffice: establishments.find((e) => e.headOffice),
    establishments,
  };
}

/** `LegalRepresentation` of ./schema.graphql, its company and establishments. */
function representation(row: RepresentationRow) {
  return { role: row.role, roleLabel: ROLE_LABELS[row.role], since: row.since, company: company(row) };
}

/**
 * A `Company` field: from the company object the listing built, or, for the token's own
 * company (a `CompanyRef` the runtime checked), from the register by SIREN. A company the
 * register does not hold is an error at the field (no made-up identity).
 */
function field<K extends keyof CompanyView>(key: K) {
  return async (source: CompanyRef | CompanyView, _args: unknown, { loaders }: Context) => {
    if ('legalName' in source) return source[key];
    const row = await loaders.company.load(source.siren);
    if (!row) throw new Error(`company ${source.siren} is not in the register`);
    return company(row)[key];
  };
}

// null for a citizen the register does not know (it lists directors only), [] for one whose terms all ended.
export const resolvers: GraphQLResolverMap<Context> = {
  Citizen: {
    legalRepresentations: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => (await loaders.representations.load(id)).map(representation)),
  },
  Company: {
    legalName: field('legalName'),
    legalForm: field('legalForm'),
    activity: field('activity'),
    creationDate: field('creationDate'),
    active: field('active'),
    ceasedOn: field('ceasedOn'),
    headOffice: field('headOffice'),
    establishments: field('establishments'),
    representatives: async ({ siren }: CompanyRef, _args, { loaders }: Context) =>
      (await loaders.representatives.load(siren)).map((r) => ({
        familyName: r.family_name,
        givenNames: r.given_names,
        role: r.role,
        roleLabel: ROLE_LABELS[r.role],
        since: r.since,
      })),
  },
};
