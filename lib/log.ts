import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs (JSON lines). Anything that could hold a secret or a token is
 * redacted by key, wherever a caller puts it.
 */
const REDACT = [
  'authorization',
  '*.authorization',
  '*.*.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'req.headers.cookie',
  'req.headers.authorization',
  'password',
  '*.password',
  'client_secret',
  '*.client_secret',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'id_token',
  '*.id_token',
  'refresh_token',
  '*.refresh_token',
  'code',
  '*.code',
  'code_verifier',
  '*.code_verifier',
  'client_assertion',
  '*.client_assertion',
  'privateKey',
  '*.privateKey',
  'jwk',
  '*.jwk',
  'd',
  '*.d',
  'pivot',
  '*.pivot',
  'pivotIdentity',
  '*.pivotIdentity',
];

export function createLogger(
  component: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      name: component,
      level,
      base: { component },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
