import { brokerErrors } from '../auth/errors.ts';
import { companyErrors } from '../auth/companies/errors.ts';
import { mandateErrors } from '../auth/mandates/errors.ts';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import type { ComponentCatalog } from '../lib/errors/define.ts';
import { operationErrors } from '../lib/federation/operation-errors.ts';
import { pivotErrors } from '../lib/pivot/errors.ts';
import { subgraphErrors } from '../lib/subgraph/errors.ts';
import { bankErrors } from '../sandbox/bank/errors.ts';
import { parkingErrors } from '../sandbox/parking/errors.ts';

/**
 * Every component's error catalog, in the order `docs/errors.md` lists them
 * (`passerelle errors`). A new component adds its catalog here; a test checks codes
 * are unique and the document is up to date.
 */
export const ERROR_CATALOGS: readonly ComponentCatalog[] = [
  pivotErrors,
  brokerErrors,
  mandateErrors,
  companyErrors,
  subgraphErrors,
  operationErrors,
  gatewayErrors,
  parkingErrors,
  bankErrors,
];
