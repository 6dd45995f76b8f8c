import { z } from 'zod';

export const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).meta({ title: 'http(s) URL' });

/**
 * A secret or key: `{ "env": "VAR" }`, `{ "file": "path" }` (relative to the
 * configuration file), or an inline string — inline only in a sandbox
 * configuration (`"sandbox": true`), so real secrets never sit in the repository.
 */
export const SecretRef = z
  .union([z.string().min(1), z.strictObject({ env: z.string().min(1) }), z.strictObject({ file: z.string().min(1) })])
  .meta({ title: 'secret reference' });
export type SecretRef = z.infer<typeof SecretRef>;

/** Where a component is reached (`url`) and where it listens (`port` defaults to the URL's). */
export const Service = {
  url: HttpUrl.describe('Where the component is reached (its public base URL).'),
  port: z.number().int().min(0).max(65535).optional().describe("Port it listens on; default: the URL's port."),
  host: z.string().default('127.0.0.1').describe('Address it listens on.'),
};
