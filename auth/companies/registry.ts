import type { CompanyRole } from '../../lib/contracts/pivot-token.ts';
import type { GatewayRead, GatewayReader } from '../gateway-reader.ts';

/**
 * The companies a person may act for (docs/companies.md): those the company register
 * (the `entreprises` provider) lists them as a legal representative of today, read
 * through the gateway with the broker's own token (auth/gateway-reader.ts), so the read is
 * checked like any exchange and shows in the person's history. The person is matched by
 * their validated pivot identity, exactly as for any data read about a citizen.
 */
export interface CompanyEstablishment {
  siret: string;
  headOffice: boolean;
  active: boolean;
  /** One line: "12 rue …, 30000 Nîmes". */
  address: string;
}

export interface CompanyOption {
  siren: string;
  legalName: string;
  active: boolean;
  ceasedOn: string | null;
  role: CompanyRole;
  /** For a legal representative: the register's quality (GERANT, PRESIDENT…). */
  function?: string;
  /** For a mandated person: the company mandate. */
  mandateId?: string;
  /** Head office first, then by SIRET, as the register gives them. */
  establishments: CompanyEstablishment[];
}

/** The scope of the entreprises catalog the read needs (the person's own mandats sociaux). */
export const COMPANY_LOOKUP_SCOPE = 'entreprises_mandats_sociaux';

const DOCUMENT = `query PasserelleCompanies {
  me {
    legalRepresentations {
      role
      company {
        siren
        legalName
        active
        ceasedOn
        establishments { siret headOffice active address { lines postalCode city } }
      }
    }
  }
}`;

interface Answer {
  me: {
    legalRepresentations: Array<{
      role: string;
      company: {
        siren: string;
        legalName: string;
        active: boolean;
        ceasedOn: string | null;
        establishments: Array<{
          siret: string;
          headOffice: boolean;
          active: boolean;
          address: { lines: string[]; postalCode: string; city: string };
        }>;
      };
    }> | null;
  };
}

export interface CompanyRegistry {
  /** The companies `person` legally represents today; [] when the register does not know them. Throws GatewayReadFailed. */
  representedBy(person: GatewayRead['person']): Promise<CompanyOption[]>;
}

export function createCompanyRegistry(reader: GatewayReader): CompanyRegistry {
  return {
    async representedBy(person) {
      const answer = await reader.read<Answer>({
        person,
        operation: {
          name: 'PasserelleCompanies',
          document: DOCUMENT,
          scopes: [COMPANY_LOOKUP_SCOPE],
          purpose: 'Lister les entreprises que vous représentez, pour vous demander pour laquelle vous agissez',
        },
      });
      return (answer.me.legalRepresentations ?? []).map(({ role, company }) => ({
        siren: company.siren,
        legalName: company.legalName,
        active: company.active,
        ceasedOn: company.ceasedOn,
        role: 'legal_representative' as const,
        function: role,
        establishments: company.establishments.map((e) => ({
          siret: e.siret,
          headOffice: e.headOffice,
          active: e.active,
          address: [...e.address.lines, `${e.address.postalCode} ${e.address.city}`].join(', '),
        })),
      }));
    },
  };
}
