import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { forMatchedCitizen, type CitizenRef, type SubgraphContext } from '../../lib/subgraph/provider.ts';
import type { EntreprisesLoaders, EstablishmentRow, RepresentationRow } from './loaders.ts';
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

/** `LegalRepresentation` of ./schema.graphql, its company and establishments. */
function representation(row: RepresentationRow) {
  const establishments = row.establishments.map(establishment);
  return {
    role: row.role,
    roleLabel: ROLE_LABELS[row.role],
    since: row.since,
    company: {
      siren: row.siren,
      legalName: row.legal_name,
      legalForm: { code: row.legal_form, label: LEGAL_FORMS[row.legal_form] },
      activity: { nafCode: row.naf_code, label: NAF_ACTIVITIES[row.naf_code] },
      creationDate: row.created_on,
      active: row.active,
      ceasedOn: row.ceased_on,
      headOffice: establishments.find((e) => e.headOffice),
      establishments,
    },
  };
}

// null for a citizen the register does not know (it lists directors only), [] for one whose terms all ended.
export const resolvers: GraphQLResolverMap<Context> = {
  Citizen: {
    legalRepresentations: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => (await loaders.representations.load(id)).map(representation)),
  },
};
