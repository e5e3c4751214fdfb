export * from './media-jobs.ts';
export * from './producer.ts';
