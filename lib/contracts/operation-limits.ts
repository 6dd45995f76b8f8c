/**
 * The limits a GraphQL document must stay within (lib/federation/operation.ts). The
 * broker checks a requested operation with the same limits the gateway enforces — both
 * read `gateway.limits` of the configuration — so that a citizen is never asked to
 * consent to a document the gateway would refuse.
 */
export interface OperationLimits {
  /** Size of the document text, in UTF-8 bytes. */
  maxDocumentBytes: number;
  /** Lexical tokens the parser reads before giving up. */
  maxTokens: number;
  /** Selection depth (`me { taxAddress { city } }` is 3). */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

/** The configuration's defaults (`gateway.limits`), and what an analysis uses when given none. */
export const DEFAULT_OPERATION_LIMITS: Readonly<OperationLimits> = {
  maxDocumentBytes: 8192,
  maxTokens: 800,
  maxDepth: 6,
  maxAliases: 8,
  maxDirectives: 8,
};
