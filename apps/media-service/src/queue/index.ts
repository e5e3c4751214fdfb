export * from './media-jobs.ts';
export * from './producer.ts';
export * from './redis-timeout.ts';
