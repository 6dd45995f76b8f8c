import { defineErrors, type ErrorDefinition } from '../lib/errors/define.ts';
import { pivotErrors } from '../lib/pivot/errors.ts';
import { companyErrors, type CompanyErrorCode } from './companies/errors.ts';
import { mandateErrors, type MandateErrorCode } from './mandates/errors.ts';

/**
 * Every error the broker shows a citizen (error pages) or tells a service
 * provider (in `error_description`, prefixed by the code). OAuth endpoints keep
 * their standard `error` values; the code says precisely what was wrong.
 */
export const brokerErrors = defineErrors('broker', {
  // --- requests from service providers (OpenID provider side)
  UNKNOWN_CLIENT: {
    status: 400,
    message: { fr: 'Ce service n’est pas reconnu par Passerelle.', en: 'This service is not known to Passerelle.' },
    description: 'The client_id is not a registered service provider. Nothing is redirected.',
  },
  REDIRECT_URI_NOT_REGISTERED: {
    status: 400,
    message: {
      fr: 'L’adresse de retour demandée par le service n’est pas enregistrée.',
      en: 'The return address the service asked for is not registered.',
    },
    description:
      'The redirect_uri is missing or differs from every registered one (even by one character). The citizen sees an error page and is never redirected.',
  },
  AUTHORIZATION_REQUEST_INVALID: {
    status: 400,
    message: {
      fr: 'La demande de connexion du service est incorrecte.',
      en: 'The service’s sign-in request is incorrect.',
    },
    description: 'A parameter of the authorization request is missing or invalid; error_description names it.',
  },
  NONCE_INVALID: {
    status: 400,
    message: {
      fr: 'La demande de connexion ne contient pas de nonce valide.',
      en: 'The sign-in request has no valid nonce.',
    },
    description: 'nonce is required and must be at least 22 characters long.',
  },
  STATE_REQUIRED: {
    status: 400,
    message: {
      fr: 'La demande de connexion ne contient pas de paramètre state.',
      en: 'The sign-in request has no state parameter.',
    },
    description: 'state is required (CSRF protection of the service provider).',
  },
  ACR_VALUES_INVALID: {
    status: 400,
    message: {
      fr: 'Le niveau de garantie demandé n’existe pas.',
      en: 'The requested level of assurance does not exist.',
    },
    description: 'acr_values may only contain eidas1, eidas2, eidas3 (the lowest one listed applies).',
  },
  IDP_HINT_UNKNOWN: {
    status: 400,
    message: {
      fr: 'Le fournisseur d’identité demandé n’existe pas.',
      en: 'The requested identity provider does not exist.',
    },
    description: 'idp_hint must be the name of a configured identity provider.',
  },
  SCOPE_NOT_ALLOWED: {
    status: 400,
    message: {
      fr: 'Le service demande des données auxquelles il n’a pas droit.',
      en: 'The service asks for data it is not entitled to.',
    },
    description: 'A requested scope is not among the service provider’s entitled scopes (invalid_scope).',
  },
  PKCE_REQUIRED: {
    status: 400,
    message: {
      fr: 'La demande de connexion doit utiliser PKCE (S256).',
      en: 'The sign-in request must use PKCE (S256).',
    },
    description: 'code_challenge with code_challenge_method=S256 is required for every client.',
  },
  PAR_REQUIRED: {
    status: 400,
    message: {
      fr: 'Ce service doit transmettre sa demande par requête poussée (PAR).',
      en: 'This service must push its request first (PAR).',
    },
    description:
      'The service provider is configured with requirePar: the request must come from the pushed authorization request endpoint (request_uri).',
  },
  SIGN_IN_RATE_LIMIT_EXCEEDED: {
    status: 429,
    message: {
      fr: 'Ce service reçoit trop de demandes de connexion en ce moment. Réessayez dans un instant.',
      en: 'This service is receiving too many sign-in requests right now. Try again in a moment.',
    },
    description:
      'The service provider went over its `quotas.signInsPerSecond` (authorization requests at `/authorize` and `/par`, a pushed request counting once), across every broker process. `/par` answers 429 `temporarily_unavailable` with `RateLimit-Policy`, `RateLimit` and `Retry-After`; `/authorize` sends the citizen back to the redirect_uri with `error=temporarily_unavailable`. Counted once the client is known (and, at `/par`, authenticated); nothing is stored.',
  },
  RESPONSE_MODE_NOT_ALLOWED: {
    status: 400,
    message: {
      fr: 'La demande de connexion du service utilise un mode de réponse non autorisé.',
      en: 'The service’s sign-in request uses a response mode that is not allowed.',
    },
    description:
      'response_mode may only be `query` (or absent): the code is never sent in a fragment or an auto-submitted form (form_post), and JWT-secured responses are not offered.',
  },
  INTERACTION_FORM_FORGED: {
    status: 403,
    message: {
      fr: 'Ce formulaire ne vient pas de Passerelle. Retournez sur le service pour recommencer.',
      en: 'This form does not come from Passerelle. Go back to the service to start again.',
    },
    description:
      'A sign-in page form (identity provider choice, cancel) was posted from another origin (forged cross-site request). Nothing is done.',
  },
  LOGOUT_REQUEST_INVALID: {
    status: 400,
    message: { fr: 'La demande de déconnexion est incorrecte.', en: 'The sign-out request is incorrect.' },
    description: 'The end-session request is invalid (unknown post_logout_redirect_uri, bad id_token_hint...).',
  },
  INTERACTION_EXPIRED: {
    status: 400,
    message: {
      fr: 'Votre demande de connexion a expiré. Retournez sur le service pour recommencer.',
      en: 'Your sign-in request has expired. Go back to the service to start again.',
    },
    description: 'The sign-in interaction is unknown, finished or expired (or its cookie is missing).',
  },
  SIGN_IN_CANCELLED: {
    status: 400,
    message: { fr: 'Vous avez annulé la connexion.', en: 'You cancelled signing in.' },
    description: 'The citizen left the sign-in from a broker page; the service provider receives access_denied.',
  },
  // --- data requests (authorization_details) and consent
  AUTHORIZATION_DETAILS_INVALID: {
    status: 400,
    message: {
      fr: 'La demande d’accès aux données du service est incorrecte.',
      en: 'The service’s data access request is incorrect.',
    },
    description:
      'An `authorization_details` entry of type `graphql_operation` is malformed: it needs a `purpose` (3 to 300 characters) and either an inline `document` or the `operation_name` of a registered operation, and no other member (`locations` may name the gateway). At most 4 operations per request, each once. `authorization_details` is fixed by the authorization request: it may not be sent again to the token endpoint.',
  },
  AUTHORIZATION_DETAILS_OPERATION_UNKNOWN: {
    status: 400,
    message: {
      fr: 'Le service demande une opération qu’il n’a pas enregistrée.',
      en: 'The service asks for an operation it has not registered.',
    },
    description:
      'An entry without `document` names, in `operation_name`, an operation that is not in the service provider’s `operations` (configuration). Register it, or send the document inline.',
  },
  AUTHORIZATION_DETAILS_NO_DATA: {
    status: 400,
    message: { fr: 'La demande d’accès ne porte sur aucune donnée.', en: 'The data access request reads no data.' },
    description:
      'The operation reads no field that needs consent (only `me { id }`): there is nothing to consent to. Sign in without `authorization_details` instead.',
  },
  AUTHORIZATION_DETAILS_SCOPE_NOT_ALLOWED: {
    status: 400,
    message: {
      fr: 'Le service demande des données auxquelles il n’a pas droit.',
      en: 'The service asks for data it is not entitled to.',
    },
    description:
      'The operation reads fields whose scopes are not among the service provider’s entitled `scopes`; `error_description` lists the fields and the scopes that would allow them.',
  },
  AUTHORIZATION_DETAILS_ACR_TOO_LOW: {
    status: 400,
    message: {
      fr: 'Ces données exigent un niveau de garantie plus élevé que celui demandé par le service.',
      en: 'This data needs a higher level of assurance than the service asked for.',
    },
    description:
      'A scope the operation needs has a `minAcr` (catalog) above the request’s level (`acr_values`, else the SP’s `defaultAcr`). Ask for that level.',
  },
  RESOURCE_NOT_ALLOWED: {
    status: 400,
    message: {
      fr: 'La ressource demandée par le service n’est pas disponible.',
      en: 'The resource the service asked for is not available.',
    },
    description:
      'The `resource` indicator is not the gateway audience, or an access token for the gateway was asked without consented `authorization_details` (the gateway serves consented operations only).',
  },
  FAPI_PAR_REQUIRED: {
    status: 400,
    message: {
      fr: 'Une demande d’accès aux données doit être transmise d’abord au serveur d’autorisation (PAR).',
      en: 'A data access request must be pushed to the authorization server first (PAR).',
    },
    description:
      'FAPI 2.0: an authorization request carrying `authorization_details` must come through `/par` (RFC 9126); the browser carries only the `request_uri`. Sent to the SP’s redirect_uri.',
  },
  FAPI_CLIENT_AUTH_NOT_ALLOWED: {
    status: 400,
    message: {
      fr: 'Ce service doit s’authentifier par une clé (private_key_jwt) pour demander des données.',
      en: 'This service must authenticate with a key (private_key_jwt) to ask for data.',
    },
    description:
      'FAPI 2.0: only `private_key_jwt` client authentication may ask for `authorization_details`; a shared secret (`client_secret_post`, `client_secret_basic`) signs in citizens but reads no data. Register a JWKS for the SP.',
  },
  FAPI_DPOP_REQUIRED: {
    status: 400,
    message: {
      fr: 'Une demande d’accès aux données doit être liée à une clé du service (DPoP).',
      en: 'A data access request must be bound to a key of the service (DPoP).',
    },
    description:
      'FAPI 2.0 with DPoP (RFC 9449): the pushed request for `authorization_details` needs a `DPoP` proof header (or `dpop_jkt`), which binds the code to the SP’s key, and the code is redeemed with a proof of the same key, which binds the pivot token (`cnf.jkt`). The gateway accepts no other token.',
  },
  CONSENT_REFUSED: {
    status: 403,
    message: { fr: 'Vous avez refusé de transmettre vos données.', en: 'You refused to share your data.' },
    description:
      'The citizen refused on the consent page; the service provider receives `access_denied` with this code. The refusal is recorded.',
  },
  CONSENT_FORM_INVALID: {
    status: 403,
    message: {
      fr: 'Ce formulaire de consentement n’est pas valide. Retournez sur le service pour recommencer.',
      en: 'This consent form is not valid. Go back to the service to start again.',
    },
    description:
      'The consent form was posted without the one-time token of this page, with a wrong or expired one, or from another origin (forged request). Nothing is granted.',
  },
  CONSENT_ALREADY_DECIDED: {
    status: 409,
    message: { fr: 'Vous avez déjà répondu à cette demande.', en: 'You have already answered this request.' },
    description:
      'The consent form of this interaction was already submitted (a replayed or double-submitted form). The first decision stands.',
  },
  // --- identity providers (relying party side)
  IDP_UNKNOWN: {
    status: 404,
    message: { fr: 'Ce fournisseur d’identité n’existe pas.', en: 'This identity provider does not exist.' },
    description: 'The chosen identity provider is not configured.',
  },
  IDP_DISABLED: {
    status: 403,
    message: {
      fr: 'Ce fournisseur d’identité est momentanément indisponible. Choisissez-en un autre.',
      en: 'This identity provider is currently unavailable. Please choose another one.',
    },
    description: 'The identity provider is disabled in the configuration.',
  },
  IDP_LEVEL_TOO_LOW: {
    status: 403,
    message: {
      fr: 'Ce fournisseur d’identité n’offre pas le niveau de garantie demandé par le service.',
      en: 'This identity provider does not offer the level of assurance the service requires.',
    },
    description: 'The identity provider’s maximum eIDAS level is below the level the service provider asked for.',
  },
  IDP_UNAVAILABLE: {
    status: 502,
    message: {
      fr: 'Le fournisseur d’identité ne répond pas. Réessayez plus tard ou choisissez-en un autre.',
      en: 'The identity provider does not answer. Try again later or choose another one.',
    },
    description: 'Network error, timeout or server error (5xx) while talking to the identity provider.',
  },
  IDP_RESPONSE_INVALID: {
    status: 502,
    message: {
      fr: 'La réponse du fournisseur d’identité est invalide.',
      en: 'The identity provider’s answer is invalid.',
    },
    description:
      'The identity provider’s response failed validation: issuer (iss, mix-up defence), signature, audience, nonce, state or format.',
  },
  IDP_AUTHENTICATION_FAILED: {
    status: 400,
    message: {
      fr: 'La connexion auprès du fournisseur d’identité n’a pas abouti.',
      en: 'Signing in at the identity provider did not succeed.',
    },
    description: 'The identity provider returned an error (the citizen cancelled, or the provider refused).',
  },
  IDP_ACR_TOO_LOW: {
    status: 403,
    message: {
      fr: 'Le fournisseur d’identité a fourni un niveau de garantie inférieur à celui demandé.',
      en: 'The identity provider gave a lower level of assurance than requested.',
    },
    description: 'The ID token acr is missing or below the level the broker asked for (downgrade refused).',
  },
  IDP_BLOCKED_BY_CITIZEN: {
    status: 403,
    message: {
      fr: 'Vous avez bloqué ce fournisseur d’identité pour votre identité : il ne peut plus vous connecter. Choisissez un autre compte. Pour le débloquer, connectez-vous avec un autre compte à votre espace Passerelle (/mon-compte).',
      en: 'You blocked this identity provider for your identity: it can no longer sign you in. Choose another account. To unblock it, sign in with another account to your Passerelle space (/mon-compte).',
    },
    description:
      'The citizen blocked this identity provider in their preferences (dashboard `/mon-compte`). The sign-in is refused and recorded (`broker.sign_in_refused`); nothing is stored about it. The citizen can choose another identity provider, or go back to the service provider, which receives `access_denied` with this code.',
  },
  IDP_NEW_NOT_ALLOWED: {
    status: 403,
    message: {
      fr: 'Vous n’autorisez que les fournisseurs d’identité que vous avez déjà utilisés, et vous ne vous êtes jamais connecté avec celui-ci. Choisissez un compte déjà utilisé. Pour changer ce choix, connectez-vous avec un autre compte à votre espace Passerelle (/mon-compte).',
      en: 'You only allow identity providers you have already used, and you have never signed in with this one. Choose an account you have already used. To change this, sign in with another account to your Passerelle space (/mon-compte).',
    },
    description:
      'The citizen does not allow new identity providers (preference "allow future identity providers" off) and has never signed in through this one. Refused and recorded like `IDP_BLOCKED_BY_CITIZEN`.',
  },
  IDP_BLOCK_CURRENT_REFUSED: {
    status: 409,
    message: {
      fr: 'Vous ne pouvez pas bloquer le fournisseur d’identité avec lequel vous êtes connecté : vous ne pourriez plus vous connecter avec lui.',
      en: 'You cannot block the identity provider you are signed in with: you could no longer sign in with it.',
    },
    description:
      'A preference change tried to block the identity provider of the citizen’s current session. Sign in with another identity provider first. Nothing is changed.',
  },
  IDP_STATE_UNKNOWN: {
    status: 400,
    message: {
      fr: 'Ce retour du fournisseur d’identité est inconnu, déjà utilisé ou expiré.',
      en: 'This return from the identity provider is unknown, already used or expired.',
    },
    description:
      'The callback state does not match a pending request of this browser (replayed, forged or expired callback).',
  },
  // --- the citizen's dashboard (/mon-compte)
  DASHBOARD_SIGN_IN_FAILED: {
    status: 400,
    message: {
      fr: 'La connexion à votre espace n’a pas abouti. Vous pouvez recommencer.',
      en: 'Signing in to your account did not succeed. You can start again.',
    },
    description:
      'The dashboard’s own sign-in ended without an identity: cancelled or refused at the broker (the reason is logged), no pending sign-in in this browser, or a code that could not be exchanged.',
  },
  DASHBOARD_SESSION_EXPIRED: {
    status: 401,
    message: {
      fr: 'Votre session a expiré. Reconnectez-vous pour continuer.',
      en: 'Your session has expired. Sign in again to continue.',
    },
    description:
      'A dashboard form was posted without a live dashboard session (idle timeout `broker.dashboard.sessionIdleSeconds`, or signed out). Nothing was changed.',
  },
  DASHBOARD_CSRF_INVALID: {
    status: 403,
    message: {
      fr: 'Ce formulaire n’est pas valide. Rechargez la page et recommencez.',
      en: 'This form is not valid. Reload the page and try again.',
    },
    description:
      'A dashboard form was posted without the session’s CSRF token, with a wrong one, or from another origin (forged request). Nothing was changed.',
  },
  DASHBOARD_CONSENT_NOT_FOUND: {
    status: 404,
    message: {
      fr: 'Ce consentement n’existe pas ou a déjà été retiré.',
      en: 'This consent does not exist or was already withdrawn.',
    },
    description:
      'The grant to revoke is not an active consent of the signed-in citizen (unknown, expired, already revoked, or another citizen’s). Nothing was revoked.',
  },
  DASHBOARD_COMPANY_NOT_REPRESENTED: {
    status: 403,
    message: {
      fr: 'Vous ne pouvez pas voir l’historique de cette entreprise : le registre ne vous désigne pas comme son représentant légal, et elle ne vous a pas donné de mandat.',
      en: 'You cannot see this company’s history: the register does not list you as its legal representative, and it gave you no mandate.',
    },
    description:
      'The SIREN of /mon-compte/entreprises/:siren is not a company the signed-in person legally represents today (the register, read now) nor one whose active company mandate they hold.',
  },
  DASHBOARD_COMPANY_REGISTRY_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Le registre des entreprises ne répond pas pour le moment. Réessayez dans quelques minutes.',
      en: 'The company register is not answering right now. Please try again in a few minutes.',
    },
    description: 'The "My companies" pages need the register’s answer (through the gateway); it did not come.',
  },
  DASHBOARD_FILTER_INVALID: {
    status: 400,
    message: {
      fr: 'Ce filtre ou cette page de l’historique n’existe pas.',
      en: 'This filter or history page does not exist.',
    },
    description:
      'The history was asked with an unknown data provider, a malformed page cursor, or an unknown export format.',
  },
  DASHBOARD_PREFERENCE_INVALID: {
    status: 400,
    message: {
      fr: 'Ce choix de fournisseur d’identité n’est pas valide.',
      en: 'This identity provider choice is not valid.',
    },
    description: 'The preferences form named an unknown identity provider or an unknown action.',
  },
  DASHBOARD_LEVEL_INVALID: {
    status: 400,
    message: {
      fr: 'Ce niveau de garantie n’existe pas.',
      en: 'This level of assurance does not exist.',
    },
    description:
      'The dashboard sign-in was asked for a `niveau` that is not an eIDAS level (eidas1, eidas2, eidas3). Nothing was started.',
  },
  // --- generic
  FORM_INVALID: {
    status: 400,
    message: { fr: 'Le formulaire envoyé est incorrect.', en: 'The form sent is incorrect.' },
    description: 'A broker form was posted with the wrong content type or too large a body.',
  },
  PAGE_NOT_FOUND: {
    status: 404,
    message: { fr: 'Cette page n’existe pas.', en: 'This page does not exist.' },
    description: 'No broker page at this address.',
  },
  BROKER_DATABASE_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Le service de connexion est momentanément indisponible. Réessayez dans quelques minutes.',
      en: 'The sign-in service is temporarily unavailable. Please try again in a few minutes.',
    },
    description:
      "The broker's database cannot be reached (refused, cut, shutting down): every sign-in step needs it. The broker reconnects by itself once it is back; `/health/ready` answers 503 meanwhile.",
  },
  BROKER_INTERNAL_ERROR: {
    status: 500,
    message: {
      fr: 'Une erreur technique est survenue. Réessayez plus tard.',
      en: 'A technical error occurred. Please try again later.',
    },
    description: 'Unexpected error; the log has the details under the same request id.',
  },
});

export type BrokerErrorCode = keyof typeof brokerErrors.errors;

/**
 * Codes the broker's pages show: its own, the mandates' (auth/mandates/errors.ts), the
 * companies' (auth/companies/errors.ts), plus the pivot validator's verdict on
 * an identity (lib/pivot/errors.ts), which the broker reports as is.
 */
export const shownErrors: Readonly<
  Record<BrokerErrorCode | MandateErrorCode | CompanyErrorCode | 'PIVOT_IDENTITY_INVALID', ErrorDefinition>
> = {
  ...brokerErrors.errors,
  ...mandateErrors.errors,
  ...companyErrors.errors,
  PIVOT_IDENTITY_INVALID: pivotErrors.errors.PIVOT_IDENTITY_INVALID,
};
export type ShownErrorCode = keyof typeof shownErrors;

export function isShownErrorCode(code: unknown): code is ShownErrorCode {
  return typeof code === 'string' && Object.hasOwn(shownErrors, code);
}
