import { defineErrors } from '../errors/define.ts';

/**
 * Why a GraphQL operation cannot be analysed: the same codes whether the gateway
 * refuses a request or the broker refuses an `authorization_details` entry.
 */
export const operationErrors = defineErrors('federation', {
  OPERATION_TOO_LARGE: {
    status: 400,
    message: { fr: 'Le document GraphQL est trop long.', en: 'The GraphQL document is too large.' },
    description: 'The document exceeds the configured maximum size in bytes (`details.maxBytes`).',
  },
  OPERATION_TOO_MANY_TOKENS: {
    status: 400,
    message: { fr: 'Le document GraphQL contient trop de lexèmes.', en: 'The GraphQL document has too many tokens.' },
    description: 'The parser stopped after the configured maximum number of tokens (`details.maxTokens`).',
  },
  OPERATION_SYNTAX_ERROR: {
    status: 400,
    message: {
      fr: "Le document GraphQL n'est pas syntaxiquement valide.",
      en: 'The GraphQL document has a syntax error.',
    },
    description: 'The document does not parse; `details.problems` says where.',
  },
  OPERATION_INVALID: {
    status: 400,
    message: {
      fr: "Le document GraphQL n'est pas valide pour le schéma.",
      en: 'The GraphQL document is not valid against the schema.',
    },
    description:
      'GraphQL validation failed (unknown field, wrong argument, …); `details.problems` lists why, without field suggestions.',
  },
  OPERATION_TOO_DEEP: {
    status: 400,
    message: { fr: 'La requête GraphQL est trop profonde.', en: 'The GraphQL query is too deep.' },
    description: 'The selection depth exceeds the configured maximum (`details.problems`).',
  },
  OPERATION_TOO_MANY_ALIASES: {
    status: 400,
    message: { fr: "La requête GraphQL utilise trop d'alias.", en: 'The GraphQL query uses too many aliases.' },
    description: 'The number of aliases exceeds the configured maximum.',
  },
  OPERATION_TOO_MANY_DIRECTIVES: {
    status: 400,
    message: {
      fr: 'La requête GraphQL utilise trop de directives.',
      en: 'The GraphQL query uses too many directives.',
    },
    description: 'The number of directives exceeds the configured maximum.',
  },
  OPERATION_INTROSPECTION_DISABLED: {
    status: 400,
    message: {
      fr: "L'introspection du schéma n'est pas ouverte aux fournisseurs de service.",
      en: 'Schema introspection is not available to service providers.',
    },
    description:
      'The document reads `__schema` or `__type`. The schema is published in the repository (each data provider’s `subgraphs/<name>/schema.graphql`; `npm run compose -- --out FILE` writes the supergraph), not by introspection.',
  },
  OPERATION_NAME_REQUIRED: {
    status: 400,
    message: {
      fr: 'Le document contient plusieurs opérations : précisez operationName.',
      en: 'The document holds several operations: give operationName.',
    },
    description: 'A document with more than one operation needs `operationName`.',
  },
  OPERATION_NOT_FOUND: {
    status: 400,
    message: {
      fr: "L'opération demandée n'existe pas dans le document.",
      en: 'The requested operation is not in the document.',
    },
    description: '`operationName` names no operation of the document, or the document has no operation.',
  },
  OPERATION_NOT_A_QUERY: {
    status: 400,
    message: { fr: 'Seules les requêtes (query) sont acceptées.', en: 'Only query operations are accepted.' },
    description: 'Mutations and subscriptions are not part of the data exchange.',
  },
});

export type OperationErrorCode = keyof typeof operationErrors.errors;
