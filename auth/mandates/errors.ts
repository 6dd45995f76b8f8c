import { defineErrors } from '../../lib/errors/define.ts';

/**
 * Every refusal of the mandate life cycle (docs/mandates.md): shown on the dashboard's
 * pages (auth/errors.ts `shownErrors`) with the status given here. None of them says
 * whether a code or a mandate exists for someone else: a forged, expired or used
 * invitation reads the same to the person typing it.
 */
export const mandateErrors = defineErrors('mandates', {
  MANDATE_DOMAINS_INVALID: {
    status: 400,
    message: {
      fr: 'Choisissez au moins un domaine parmi ceux proposés.',
      en: 'Choose at least one of the domains offered.',
    },
    description:
      'A mandate must cover one or more domains of lib/contracts/domains.ts; the form sent none, or one that does not exist.',
  },
  MANDATE_DATES_INVALID: {
    status: 400,
    message: {
      fr: 'Les dates du mandat sont incorrectes : il doit commencer aujourd’hui ou plus tard et durer au plus 12 mois.',
      en: 'The mandate’s dates are incorrect: it must start today or later and last at most 12 months.',
    },
    description:
      'The start is in the past or not a date, the end is not after the start, or the mandate would last more than 12 months (renew it instead).',
  },
  MANDATE_REPRESENTATIVE_INVALID: {
    status: 400,
    message: {
      fr: 'Indiquez le nom de famille, le premier prénom et la date de naissance de la personne que vous choisissez.',
      en: 'Give the family name, first given name and birthdate of the person you choose.',
    },
    description:
      'The identity typed for the representative is incomplete or malformed. Acceptance is refused unless the signed-in identity matches it.',
  },
  MANDATE_TO_ONESELF: {
    status: 400,
    message: {
      fr: 'Vous ne pouvez pas vous donner un mandat à vous-même.',
      en: 'You cannot give a mandate to yourself.',
    },
    description:
      'The representative typed is the mandator, or the person accepting an invitation is the one who created it.',
  },
  MANDATE_INVITATION_INVALID: {
    status: 400,
    message: {
      fr: 'Ce code d’invitation n’est pas valable : il est inexact, a déjà servi ou a expiré (7 jours).',
      en: 'This invitation code is not valid: it is wrong, has already been used or has expired (7 days).',
    },
    description:
      'Unknown (forged or mistyped), already used or expired invitation code. One message for all three, so a code cannot be probed.',
  },
  MANDATE_REPRESENTATIVE_MISMATCH: {
    status: 403,
    message: {
      fr: 'Cette invitation est destinée à une autre personne.',
      en: 'This invitation is meant for someone else.',
    },
    description:
      'The signed-in identity does not match the name and birthdate the mandator gave. The invitation stays usable by the right person.',
  },
  MANDATE_NOT_FOUND: {
    status: 404,
    message: {
      fr: 'Ce mandat n’existe pas ou ne vous concerne pas.',
      en: 'This mandate does not exist or does not concern you.',
    },
    description: 'No mandate of this id where the signed-in person is the mandator or the representative.',
  },
  MANDATE_STATE_INVALID: {
    status: 409,
    message: {
      fr: 'Ce mandat ne peut plus être modifié ainsi (il a déjà été accepté, refusé ou terminé).',
      en: 'This mandate can no longer be changed this way (already accepted, declined or ended).',
    },
    description: 'Accepting or declining a mandate that is no longer proposed, or ending one that is already over.',
  },
  MANDATE_LEVEL_TOO_LOW: {
    status: 403,
    message: {
      fr: 'Ce mandat couvre des données protégées : connectez-vous avec un niveau de garantie substantiel (eIDAS 2) ou plus.',
      en: 'This mandate covers protected data: sign in at a substantial level of assurance (eIDAS 2) or above.',
    },
    description:
      'A domain of the mandate has a scope needing eidas2 (catalog `minAcr`): creating or accepting it needs a dashboard sign-in at eidas2 or above.',
  },
  MANDATE_COMPANY_NOT_REPRESENTED: {
    status: 403,
    message: {
      fr: 'Le registre des entreprises ne vous désigne pas comme représentant légal de cette entreprise : vous ne pouvez pas donner de mandat en son nom.',
      en: 'The company register does not list you as a legal representative of this company: you cannot give a mandate in its name.',
    },
    description:
      'A company mandate may be given only by a legal representative of the company in activity, as the register says at that moment (read through the gateway, matched on the signed-in pivot identity). The form named another company (forged) or one the person no longer represents.',
  },
  MANDATE_COMPANY_REGISTRY_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Le registre des entreprises ne répond pas pour le moment : impossible de vérifier pour quelles entreprises vous pouvez donner un mandat. Réessayez dans quelques minutes.',
      en: 'The company register is not answering right now: the companies you may give a mandate for cannot be checked. Please try again in a few minutes.',
    },
    description:
      'Creating a company mandate needs the register’s answer (through the gateway); it did not come. Nothing was created.',
  },
  // --- acting for someone at a service provider (auth/interactions/representation.ts)
  REPRESENTATION_NOT_COVERED: {
    status: 403,
    message: {
      fr: 'Le mandat de cette personne ne couvre pas cette démarche : vous ne pouvez pas la faire pour elle.',
      en: 'This person’s mandate does not cover this procedure: you cannot do it for them.',
    },
    description:
      'The mandator chosen on the "For whom" page has a mandate that lacks a domain of the requested operation (the domains of its scopes, catalog `domain`). The page lists such mandators as not covering it; only a forged form can choose one.',
  },
  REPRESENTATION_CHOICE_INVALID: {
    status: 400,
    message: {
      fr: 'Choisissez une des personnes proposées, ou vous-même.',
      en: 'Choose one of the people offered, or yourself.',
    },
    description:
      'The "For whom" form named no choice, or a mandate that is not one of the signed-in person’s active mandates (unknown, someone else’s, ended).',
  },
  REPRESENTATION_FORM_INVALID: {
    status: 403,
    message: {
      fr: 'Ce formulaire n’est plus valable. Revenez sur le service et recommencez.',
      en: 'This form is no longer valid. Go back to the service and start again.',
    },
    description:
      'The "For whom" form came without this interaction’s latest one-time token, from another origin, after it expired, or a second time (the first answer stands).',
  },
  REPRESENTATION_MANDATE_ENDED: {
    status: 409,
    message: {
      fr: 'Le mandat que vous avez choisi a pris fin entre-temps : vous ne pouvez plus agir pour cette personne.',
      en: 'The mandate you chose has ended in the meantime: you can no longer act for this person.',
    },
    description:
      'Between the "For whom" page and the consent decision, the chosen mandate was ended by either person or expired. Nothing was granted.',
  },
});

export type MandateErrorCode = keyof typeof mandateErrors.errors;
