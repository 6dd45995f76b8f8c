import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type DirectiveNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { OperationLimits } from '../contracts/operation-limits.ts';
import type { OperationErrorCode } from './operation-errors.ts';

/**
 * The validation rules added to graphql-js's for service-provider documents: depth,
 * aliases, directives (each reporting its stable code in `extensions[LIMIT_CODE]`)
 * and no introspection. Run during validation, so a refused document is never walked.
 */
export const LIMIT_CODE = 'passerelleCode';

export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [...armorRules(limits), maxDirectives(limits.maxDirectives), noIntrospection];
}

const limitError = (message: string, code: OperationErrorCode) =>
  new GraphQLError(message.replace(/^Syntax Error: /, ''), { extensions: { [LIMIT_CODE]: code } });

/** graphql-armor's depth and alias rules, reporting our codes instead of throwing. */
function armorRules(limits: OperationLimits): ValidationRule[] {
  const report =
    (code: OperationErrorCode): GraphQLArmorRejectCallback =>
    (ctx, error) =>
      ctx?.reportError(limitError(error.message, code));
  const rule = (n: number, code: OperationErrorCode) => ({ n, propagateOnRejection: false, onReject: [report(code)] });
  return new ApolloArmor({
    maxDepth: { ...rule(limits.maxDepth, 'OPERATION_TOO_DEEP'), ignoreIntrospection: false },
    // armor does not count aliases of `__typename` by default: 250 of them would pass.
    maxAliases: { ...rule(limits.maxAliases, 'OPERATION_TOO_MANY_ALIASES'), allowList: [] },
    // armor's own directive rule forgets the directives of a fragment spread seen before: ours below.
    maxDirectives: { enabled: false },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
}

/**
 * Directives of each operation, fragments expanded (each spread counts its fragment's,
 * memoized, so a fan-out of spreads costs one walk per fragment), variable definitions
 * and spreads included.
 */
function maxDirectives(n: number): ValidationRule {
  return (context: ValidationContext) => {
    const perFragment = new Map<string, number>();
    const count = (
      node: { directives?: readonly DirectiveNode[]; selectionSet?: SelectionSetNode } & ASTNode,
      visiting: ReadonlySet<string>,
    ): number => {
      let total = node.directives?.length ?? 0;
      if (node.kind === Kind.FRAGMENT_SPREAD) {
        const name = node.name.value;
        // A cycle is NoFragmentCyclesRule's to report; here it just stops.
        if (!perFragment.has(name) && !visiting.has(name)) {
          const fragment = context.getFragment(name);
          perFragment.set(name, fragment ? count(fragment, new Set([...visiting, name])) : 0);
        }
        return total + (perFragment.get(name) ?? 0);
      }
      for (const child of node.selectionSet?.selections ?? []) total += count(child, visiting);
      return total;
    };
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const found =
          count(operation, new Set()) +
          (operation.variableDefinitions ?? []).reduce((sum, v) => sum + (v.directives?.length ?? 0), 0);
        if (found > n)
          context.reportError(
            limitError(`Directives limit of ${n} exceeded, found ${found}.`, 'OPERATION_TOO_MANY_DIRECTIVES'),
          );
      },
    };
  };
}

const noIntrospection: ValidationRule = (context: ValidationContext) => ({
  Field(node: FieldNode) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        new GraphQLError(`introspection field ${node.name.value} is not available`, {
          extensions: { [LIMIT_CODE]: 'OPERATION_INTROSPECTION_DISABLED' },
        }),
      );
    }
  },
});
