import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggingSettings {
  NODE_ENV: 'development' | 'test' | 'production';
  LOG_LEVEL: string;
  LOG_FORMAT: 'auto' | 'pretty' | 'json';
}

/** Options for pino (and fastify's `logger` option): pretty for people in development, JSON elsewhere. */
export function loggerOptions(settings: LoggingSettings, service: string): LoggerOptions {
  const pretty = settings.LOG_FORMAT === 'pretty' || (settings.LOG_FORMAT === 'auto' && settings.NODE_ENV === 'development');
  return {
    level: settings.LOG_LEVEL,
    base: { service },
    // Exact paths only: wildcard redaction costs on every log line. Credentials are never logged on purpose.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}

export function createLogger(settings: LoggingSettings, service: string): Logger {
  const options = loggerOptions(settings, service);
  if (options.transport) return pino(options);
  // Buffered writes: one write(2) per ~4 KiB of JSON instead of one per line; pino flushes it on exit.
  return pino(options, pino.destination({ dest: 1, sync: false, minLength: 4096 }));
}
