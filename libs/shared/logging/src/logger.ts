import pino, { type Logger, type LoggerOptions } from 'pino';
import { currentCorrelationId } from './correlation';

export type { Logger };

/**
 * Paths never logged in clear. Secrets must not reach logs even when a whole object is logged.
 */
export const REDACTED_PATHS = [
  'password', '*.password', '*.*.password', 'secret', '*.secret', 'token', '*.token',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  'TWS_SECRET_KEY', '*.TWS_SECRET_KEY', 'DATABASE_URL', '*.DATABASE_URL',
];

/** The one pino logger of a process: JSON lines, service name, correlation id on every line. */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
