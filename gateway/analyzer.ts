import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import type { ScopeInfo } from '../lib/federation/compose.ts';
import type { OperationLimits } from '../lib/contracts/operation-limits.ts';
import {
  analyzeOperation,
  createOperationSchema,
  type AnalysisResult,
  type OperationSchema,
} from '../lib/federation/operation.ts';
import { readScopeMap } from '../lib/federation/scope-map.ts';

/**
 * The operation analysis (lib/federation/operation.ts) of the documents service
 * providers send, cached per document: SPs send the few documents they registered
 * over and over, so each is parsed, validated and walked once per process. The
 * schema and scope map come from the supergraph the Apollo gateway loaded
 * (`onSchemaLoadOrUpdate`); a new supergraph empties the cache.
 */
export class OperationAnalyzer {
  private context: OperationSchema | undefined;
  private readonly cache = new Map<string, AnalysisResult>();

  constructor(
    private readonly options: { scopes: ReadonlyMap<string, ScopeInfo>; limits: OperationLimits; cacheSize: number },
  ) {}

  /** Called with the API schema and the core supergraph SDL on load and on every update. */
  update(apiSchema: GraphQLSchema, supergraphSdl: string): void {
    this.context = createOperationSchema({
      schema: apiSchema,
      scopeMap: readScopeMap(supergraphSdl),
      scopes: this.options.scopes,
      limits: this.options.limits,
    });
    this.cache.clear();
  }

  get ready(): boolean {
    return this.context !== undefined;
  }

  analyze(query: string, operationName: string | null | undefined): AnalysisResult {
    if (!this.context) throw new Error('the supergraph is not loaded yet');
    const key = createHash('sha256')
      .update(query)
      .update('\0')
      .update(operationName ?? '')
      .digest('base64url');
    const cached = this.cache.get(key);
    if (cached) {
      // Refresh its place: the cache evicts the least recently used document.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const result = analyzeOperation(query, operationName, this.context);
    if (this.cache.size >= this.options.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, result);
    return result;
  }
}
