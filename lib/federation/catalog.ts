import { z } from 'zod';
import { AcrLevel } from '../contracts/eidas.ts';

/** A data provider's scope catalog (`catalog.json` in its folder): what the consent page shows. */
const Text = z.strictObject({ fr: z.string().min(1), en: z.string().min(1) });

export const ScopeEntry = z.strictObject({
  label: Text,
  description: Text,
  /** Lowest eIDAS level at which this data may be released. */
  minAcr: AcrLevel.optional(),
});
export type ScopeEntry = z.infer<typeof ScopeEntry>;

export const Catalog = z.strictObject({
  provider: z.strictObject({ name: z.string().min(1), label: Text }),
  scopes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'scope names are lower_snake_case'), ScopeEntry),
});
export type Catalog = z.infer<typeof Catalog>;
