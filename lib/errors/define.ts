/**
 * Every error the platform shows has a stable code, an HTTP status, a short
 * human message (French and English) and a documented meaning. Each component
 * declares its catalog with `defineErrors`; `docs/errors.md` is generated from
 * all catalogs (`npm run errors:doc`) and a test keeps it in step.
 */
export interface ErrorDefinition {
  status: number;
  /** What the user is told, in French and English. Never includes secrets or values. */
  message: { fr: string; en: string };
  /** What it means and what to do, for the documentation (English). */
  description: string;
}

export type Catalog<Code extends string = string> = Readonly<Record<Code, ErrorDefinition>>;

export interface ComponentCatalog<Code extends string = string> {
  component: string;
  errors: Catalog<Code>;
  /** Builds the error to throw for `code`, with optional safe details (no values). */
  error(code: Code, details?: Record<string, unknown>, cause?: unknown): PasserelleError;
}

export class PasserelleError extends Error {
  override name = 'PasserelleError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The JSON body sent to clients: code, message and safe details. */
  toJSON(): { error: string; message: string; details?: Record<string, unknown> } {
    return Object.keys(this.details).length
      ? { error: this.code, message: this.message, details: this.details }
      : { error: this.code, message: this.message };
  }
}

export function defineErrors<Code extends string>(
  component: string,
  errors: Record<Code, ErrorDefinition>,
): ComponentCatalog<Code> {
  for (const code of Object.keys(errors)) {
    if (!/^[A-Z][A-Z0-9_]+$/.test(code)) throw new Error(`error code ${code} of ${component} must be UPPER_SNAKE_CASE`);
  }
  return {
    component,
    errors,
    error(code, details, cause) {
      const def = errors[code];
      return new PasserelleError(code, def.status, def.message.en, details ?? {}, { cause });
    },
  };
}

export function isPasserelleError(error: unknown): error is PasserelleError {
  return error instanceof PasserelleError;
}
