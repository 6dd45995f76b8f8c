import type { Context } from 'koa';

/** Largest form body a page accepts: our forms hold a few short fields. */
const MAX_FORM_BYTES = 16 * 1024;

export class FormError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Reads an `application/x-www-form-urlencoded` body (small forms only). */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded'))
    throw new FormError('expected a form (application/x-www-form-urlencoded)', 415);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new FormError('form too large', 413);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
