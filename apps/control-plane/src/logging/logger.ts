import pino, { type Logger } from 'pino';

/** DI token of the root pino logger. */
export const LOGGER = Symbol('Logger');

/** Creates the control plane's root JSON logger; secrets are redacted by path. */
export function createLogger(level: string): Logger {
  return pino({
    name: 'control-plane',
    level,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'databaseUrl', '*.databaseUrl'], censor: '[redacted]' },
  });
}
