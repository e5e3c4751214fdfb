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
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}

export function createLogger(settings: LoggingSettings, service: string): Logger {
  return pino(loggerOptions(settings, service));
}
