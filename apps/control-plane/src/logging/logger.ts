import pino, { type Logger } from 'pino';

/** DI token of the root pino logger. */
export const LOGGER = Symbol('Logger');

/**
 * Creates the control plane's root JSON logger; secrets are redacted by path.
 * Writes to stdout unless `destination` is given (tests keep logs in files).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    name: 'control-plane',
    level,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'databaseUrl', '*.databaseUrl'], censor: '[redacted]' },
  }, destination);
}
