import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'dms' },
    // Tokens and cookies never reach the logs.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secretKey'],
      remove: true,
    },
  });
}
