import { defineErrors } from '../../lib/errors/define.ts';

/**
 * Every refusal of acting for a company (docs/companies.md): the service provider's
 * request (sent back to it as `invalid_request` / `invalid_authorization_details` with the
 * code first in `error_description`) and the "Pour quelle entreprise ?" step (shown on the
 * broker's pages, auth/errors.ts `shownErrors`). None says what the register holds about
 * anyone but the signed-in person.
 */
export const companyErrors = defineErrors('companies', {
  // --- the service provider's request
  COMPANY_SCOPE_REQUIRED: {
    status: 400,
    message: {
      fr: 'Le service demande des données d’entreprise sans demander pour quelle entreprise la personne agit.',
      en: 'The service asks for company data without asking which company the person acts for.',
    },
    description:
      'An operation reads company data (scopes whose catalog `subject` is `company`) but the request does not ask for the `company` scope. Add it: the broker then asks the person for which company they act.',
  },
  COMPANY_SCOPE_CITIZEN_DATA: {
    status: 400,
    message: {
      fr: 'Pour une entreprise, le service ne peut demander que des données de l’entreprise.',
      en: 'For a company, the service may ask for company data only.',
    },
    description:
      'The request asks for the `company` scope and an operation reads citizen data (scopes whose `subject` is `citizen`, the default). A token for a company carries company scopes only: ask for citizen data in a sign-in of its own.',
  },
  COMPANY_WITH_REPRESENTATION: {
    status: 400,
    message: {
      fr: 'Le service demande à la fois d’agir pour une entreprise et pour une autre personne.',
      en: 'The service asks both to act for a company and for another person.',
    },
    description:
      'The `company` and `representation` scopes exclude each other: one sign-in acts for the person, for someone who gave them a mandate, or for a company (company mandates are offered under `company`).',
  },
  COMPANY_NOT_AVAILABLE: {
    status: 400,
    message: {
      fr: 'Le service demande à agir pour une entreprise, mais le registre des entreprises n’est pas raccordé à Passerelle.',
      en: 'The service asks to act for a company, but the company register is not connected to Passerelle.',
    },
    description:
      'No configured data provider serves the `entreprises_mandats_sociaux` scope the broker needs to list a person’s companies. The platform was configured without the `entreprises` provider.',
  },
  // --- "Pour quelle entreprise ?" (auth/interactions/company.ts)
  COMPANY_NONE: {
    status: 403,
    message: {
      fr: 'Le registre des entreprises ne vous désigne comme représentant d’aucune entreprise en activité, et aucune entreprise ne vous a donné de mandat. Vous ne pouvez pas faire cette démarche pour une entreprise.',
      en: 'The company register does not list you as a representative of any active company, and no company has given you a mandate. You cannot do this procedure for a company.',
    },
    description:
      'The signed-in person is not a legal representative of any company in activity according to the register (matched on their validated pivot identity) and holds no company mandate. The service provider receives access_denied if they go back.',
  },
  COMPANY_CHOICE_INVALID: {
    status: 400,
    message: {
      fr: 'Choisissez une des entreprises et un de ses établissements proposés.',
      en: 'Choose one of the companies and one of its establishments offered.',
    },
    description:
      'The form named no choice, a company that was not offered to this person (forged value), or a SIRET that is not an establishment of the company chosen.',
  },
  COMPANY_CEASED: {
    status: 400,
    message: {
      fr: 'Cette entreprise a cessé son activité : vous ne pouvez plus agir pour elle.',
      en: 'This company has ceased trading: you can no longer act for it.',
    },
    description:
      'The company chosen is recorded as ceased by the register; the page lists such companies apart and offers no choice for them.',
  },
  COMPANY_ESTABLISHMENT_CLOSED: {
    status: 400,
    message: {
      fr: 'Cet établissement est fermé : choisissez un établissement en activité.',
      en: 'This establishment is closed: choose one in activity.',
    },
    description: 'The SIRET chosen is an establishment of the company that the register records as closed.',
  },
  COMPANY_FORM_INVALID: {
    status: 403,
    message: {
      fr: 'Ce formulaire n’est plus valable. Revenez sur le service et recommencez.',
      en: 'This form is no longer valid. Go back to the service and start again.',
    },
    description:
      'The "For which company" form came without this interaction’s latest one-time token, from another origin, after it expired, or a second time (the first answer stands).',
  },
  COMPANY_REGISTRY_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Le registre des entreprises ne répond pas pour le moment : impossible de savoir pour quelles entreprises vous pouvez agir. Réessayez dans quelques minutes.',
      en: 'The company register is not answering right now: the companies you may act for cannot be listed. Please try again in a few minutes.',
    },
    description:
      'The broker’s read of the register through the gateway failed (gateway or `entreprises` provider down, timeout); the log names the cause. Nothing was chosen.',
  },
});

export type CompanyErrorCode = keyof typeof companyErrors.errors;
