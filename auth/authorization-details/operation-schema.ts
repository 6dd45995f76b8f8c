import type { Config } from '../../lib/config/load.ts';
import { composeContract, type ComposedContract } from '../../lib/federation/compose.ts';
import { loadContract } from '../../lib/federation/contract.ts';
import { operationSchemaFromSupergraph, type OperationSchema } from '../../lib/federation/operation.ts';

/**
 * What the broker checks requested operations against: the supergraph composed
 * from the data providers' contracts (as the gateway composes it) with the gateway's own limits, so
 * that the broker never asks a citizen to consent to a document the gateway
 * would refuse. Built once at start-up.
 */
export interface BrokerContract {
  operations: OperationSchema;
  /** Provider catalogs (labels shown on the consent page), by provider name. */
  catalogs: ComposedContract['catalogs'];
  /** Data scopes of every catalog, by name. */
  scopes: ComposedContract['scopes'];
}

export function loadBrokerContract(config: Config): BrokerContract {
  const composed = composeContract(loadContract(config));
  const operations = operationSchemaFromSupergraph(composed.supergraphSdl, composed.scopes, config.gateway.limits);
  return { operations, catalogs: composed.catalogs, scopes: composed.scopes };
}
