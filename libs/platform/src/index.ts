export * from './config/env.ts';
export * from './config/specs.ts';
export * from './logging/logger.ts';
export * from './db/mariadb-dialect.ts';
export * from './db/database.ts';
export * from './db/heartbeat-migration.ts';
export * from './db/read-router.ts';
export * from './config/local-stack.ts';
