/** Report definitions and their pure arithmetic; the reporter app runs the SQL and renders. */
export * from './periods.ts';
export * from './statistics.ts';
export * from './period-walk.ts';
export * from './report-definitions.ts';
export * from './report-params.ts';
export * from './aggregate-volume.ts';
export * from './aggregate-conversion.ts';
export * from './aggregate-responsiveness.ts';
export * from './aggregate-prices.ts';
export * from './aggregate-dealers.ts';
export * from './aggregate-media.ts';
