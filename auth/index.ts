import type { StartComponent } from '../lib/component.ts';
import { validatePivotIdentity } from '../lib/pivot/validate.ts';
import { createBroker } from './broker.ts';

/**
 * The broker (FranceConnect): OpenID provider for service providers, relying
 * party of identity providers. See docs/broker.md.
 */
export const startBroker: StartComponent = (context, options = {}) => createBroker(context, options, validatePivotIdentity);
