import { defineErrors } from '../../lib/errors/define.ts';
import { FAILURES, type Fail, type Failure } from '../service-provider/errors.ts';

/**
 * What the parking service tells a citizen when something goes wrong: each is a
 * page (status, message, code), never a crash. Codes of the broker or the gateway
 * that caused it are shown next to ours (they are codes, never values).
 */
export const parkingErrors = defineErrors('parking', {
  PARKING_SIGN_IN_CANCELLED: {
    status: 400,
    message: {
      fr: 'Vous avez annulé la connexion. Vous pouvez recommencer quand vous voulez.',
      en: 'You cancelled the sign-in. You can start again whenever you want.',
    },
    description:
      'The citizen cancelled at the broker (chooser) or chose to go back to the service (`access_denied`, broker code SIGN_IN_CANCELLED).',
  },
  PARKING_CONSENT_REFUSED: {
    status: 403,
    message: {
      fr: 'Vous avez refusé de transmettre vos données : sans elles, la ville ne peut pas calculer le tarif de votre vignette. Aucune donnée n’a été lue.',
      en: 'You refused to share your data: without it, the city cannot price your permit. No data was read.',
    },
    description:
      'The citizen refused the consent page (`access_denied` with a broker CONSENT_* code). No token was issued and nothing was read.',
  },
  PARKING_IDENTITY_PROVIDER_FAILED: {
    status: 502,
    message: {
      fr: 'Votre compte n’a pas pu être vérifié auprès de votre fournisseur d’identité. Réessayez, ou choisissez un autre compte.',
      en: 'Your account could not be checked with your identity provider. Try again, or choose another account.',
    },
    description:
      'The broker could not sign the citizen in with the identity provider (IDP_* or PIVOT_* code from the broker: the IdP refused, was unavailable, or sent an invalid identity).',
  },
  PARKING_SIGN_IN_FAILED: {
    status: 502,
    message: { fr: 'La connexion avec Passerelle n’a pas abouti.', en: 'Signing in with Passerelle did not succeed.' },
    description:
      'The broker refused the sign-in request or the code exchange (its error and code are shown); usually a configuration problem of the service.',
  },
  PARKING_SIGN_IN_EXPIRED: {
    status: 400,
    message: {
      fr: 'Cette connexion a expiré ou a été commencée dans un autre navigateur. Recommencez depuis la page d’accueil.',
      en: 'This sign-in expired or was started in another browser. Start again from the home page.',
    },
    description:
      'The callback came without a pending sign-in for this browser (cookie missing or expired, or already used), or its state did not match.',
  },
  PARKING_BROKER_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Passerelle ne répond pas pour le moment. Réessayez dans quelques instants.',
      en: 'Passerelle is not answering right now. Try again in a moment.',
    },
    description: 'The broker (discovery, pushed authorization request or token endpoint) could not be reached in time.',
  },
  PARKING_GATEWAY_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Les administrations n’ont pas pu être interrogées pour le moment. Aucun tarif n’a été calculé ; réessayez dans quelques instants.',
      en: 'The administrations could not be queried right now. No price was computed; try again in a moment.',
    },
    description:
      'The gateway could not be reached in time or answered with a server error (its code is shown when it gave one).',
  },
  PARKING_GATEWAY_REFUSED: {
    status: 502,
    message: {
      fr: 'La passerelle de données a refusé la demande de la ville.',
      en: 'The data gateway refused the city’s request.',
    },
    description:
      'The gateway answered 4xx (its code is shown: an expired token, a document other than the consented one, ...).',
  },
  PARKING_DATA_INCOMPLETE: {
    status: 502,
    message: {
      fr: 'Une administration n’a pas pu répondre : le tarif n’est pas calculé sur des données incomplètes. Réessayez dans quelques instants.',
      en: 'An administration could not answer: no price is computed from incomplete data. Try again in a moment.',
    },
    description:
      'The gateway answered with GraphQL errors (a data provider failed or refused a field). A missing value is never read as "no data", so nothing is priced.',
  },
  PARKING_DATA_INVALID: {
    status: 502,
    message: {
      fr: 'La réponse de la passerelle de données est illisible.',
      en: 'The data gateway’s answer cannot be read.',
    },
    description: 'The gateway answered 200 with a body that is not the expected result of the parking operation.',
  },
  PARKING_FORM_INVALID: {
    status: 403,
    message: {
      fr: 'Ce formulaire a expiré. Revenez à la page précédente et recommencez.',
      en: 'This form expired. Go back to the previous page and start again.',
    },
    description: 'A form was posted without the session’s anti-forgery token (or not as a form).',
  },
  PARKING_PAGE_NOT_FOUND: {
    status: 404,
    message: { fr: 'Cette page n’existe pas.', en: 'This page does not exist.' },
    description: 'No page at this address.',
  },
  PARKING_INTERNAL_ERROR: {
    status: 500,
    message: {
      fr: 'Une erreur inattendue s’est produite. Réessayez plus tard.',
      en: 'An unexpected error occurred. Try again later.',
    },
    description: 'A bug or an unexpected failure of the parking service; the log has the details.',
  },
});

export type ParkingErrorCode = keyof typeof parkingErrors.errors;

/** The parking service's error for a kind of failure of the shared code (sandbox/service-provider/errors.ts). */
export const parkingFail: Fail = (kind, details) => parkingErrors.error(`PARKING_${kind}`, details);

/** The kind of one of the parking service's codes. */
export function parkingFailureOf(code: string): Failure | undefined {
  const kind = code.replace(/^PARKING_/, '');
  return code.startsWith('PARKING_') && Object.hasOwn(FAILURES, kind) ? (kind as Failure) : undefined;
}
