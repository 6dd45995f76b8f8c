import { defineServiceErrors } from '../service-provider/errors.ts';

/**
 * What the sandbox bank tells an applicant when something goes wrong: each is a page
 * (status, message, code), never a crash; one code per kind of sandbox/service-provider/errors.ts.
 */
export const bankErrors = defineServiceErrors('bank', 'BANK', {
  SIGN_IN_CANCELLED: {
    fr: 'Vous avez annulé la connexion. Vous pouvez recommencer quand vous voulez.',
    en: 'You cancelled the sign-in. You can start again whenever you want.',
  },
  CONSENT_REFUSED: {
    fr: 'Vous avez refusé de transmettre vos données : sans elles, la banque ne peut pas estimer votre capacité d’emprunt. Aucune donnée n’a été lue.',
    en: 'You refused to share your data: without it, the bank cannot estimate how much you can borrow. No data was read.',
  },
  IDENTITY_PROVIDER_FAILED: {
    fr: 'Votre compte n’a pas pu être vérifié auprès de votre fournisseur d’identité. Réessayez, ou choisissez un autre compte.',
    en: 'Your account could not be checked with your identity provider. Try again, or choose another account.',
  },
  SIGN_IN_FAILED: {
    fr: 'La connexion avec Passerelle n’a pas abouti.',
    en: 'Signing in with Passerelle did not succeed.',
  },
  SIGN_IN_EXPIRED: {
    fr: 'Cette connexion a expiré ou a été commencée dans un autre navigateur. Recommencez depuis la page d’accueil.',
    en: 'This sign-in expired or was started in another browser. Start again from the home page.',
  },
  BROKER_UNAVAILABLE: {
    fr: 'Passerelle ne répond pas pour le moment. Réessayez dans quelques instants.',
    en: 'Passerelle is not answering right now. Try again in a moment.',
  },
  GATEWAY_UNAVAILABLE: {
    fr: 'Les impôts n’ont pas pu être interrogés pour le moment. Aucune estimation n’a été faite ; réessayez dans quelques instants.',
    en: 'The tax office could not be queried right now. No estimate was made; try again in a moment.',
  },
  GATEWAY_REFUSED: {
    fr: 'La passerelle de données a refusé la demande de la banque.',
    en: 'The data gateway refused the bank’s request.',
  },
  DATA_INCOMPLETE: {
    fr: 'Les impôts n’ont pas pu répondre : aucune estimation n’est faite sur des données incomplètes. Réessayez dans quelques instants.',
    en: 'The tax office could not answer: no estimate is made from incomplete data. Try again in a moment.',
  },
  DATA_INVALID: {
    fr: 'La réponse de la passerelle de données est illisible.',
    en: 'The data gateway’s answer cannot be read.',
  },
  FORM_INVALID: {
    fr: 'Ce formulaire a expiré. Revenez à la page précédente et recommencez.',
    en: 'This form expired. Go back to the previous page and start again.',
  },
  PAGE_NOT_FOUND: { fr: 'Cette page n’existe pas.', en: 'This page does not exist.' },
  INTERNAL_ERROR: {
    fr: 'Une erreur inattendue s’est produite. Réessayez plus tard.',
    en: 'An unexpected error occurred. Try again later.',
  },
});

export const bankFail = bankErrors.fail;
