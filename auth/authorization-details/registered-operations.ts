import type { Config } from '../../lib/config/load.ts';
import { ConfigError } from '../../lib/config/load.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { GRAPHQL_OPERATION } from '../../lib/contracts/pivot-token.ts';
import { describeRefusal, resolveOperationRequest } from './graphql-operation.ts';
import type { BrokerContract } from './operation-schema.ts';

/**
 * Each service provider's registered operations (`serviceProviders[].operations`) must be
 * documents the broker would accept from it: checked at start-up, so a wrong one stops
 * the broker with a message naming it instead of failing citizens' requests later. The
 * level is not checked here (an operation needing eidas2 is fine: the SP asks for it).
 */
export function checkRegisteredOperations(config: Config, contract: BrokerContract): void {
  for (const sp of config.serviceProviders) {
    for (const name of Object.keys(sp.operations)) {
      try {
        resolveOperationRequest(
          { type: GRAPHQL_OPERATION, operation_name: name, purpose: 'start-up check' },
          {
            operations: contract.operations,
            serviceProvider: sp,
            acr: 'eidas3',
            gatewayAudience: config.gateway.audience,
          },
        );
      } catch (error) {
        if (!isPasserelleError(error)) throw error;
        throw new ConfigError(
          `serviceProviders[${sp.clientId}].operations.${name}: ${error.code}: ${describeRefusal(error)}`,
        );
      }
    }
  }
}
