import { REPORT_NAMES } from '@chucar/domain';
import { REPORT_FORMATS } from '@chucar/contracts';
import { ConfigError, developmentSecretProblems, env, localDevelopmentSecrets, MIN_HS256_SECRET_LENGTH, nodeAddress, parseNodeAddress, readEnv, redisEnv, runtimeEnv, type EnvValues, type SourceNode } from '@chucar/platform';

/** The reporter knows only the replica: it has no variable that could point it at the primary. */
export const reporterEnv = {
  ...runtimeEnv,
  REPORTER_HOST: env.string({ description: 'Address the reporter HTTP API, the daily-report scheduler and the statistics replica follower listen on (0.0.0.0 in containers)', default: '127.0.0.1' }),
  REPORTER_PORT: env.port({ description: 'Reporter HTTP port', default: 3002 }),
  REPORTER_SCHEDULE_PORT: env.port({ description: 'Port of the daily-report scheduler’s /metrics and /health (npm run report:daily, on REPORTER_HOST; not with --day)', default: 3004 }),
  REPORTER_DB_HOST: env.string({ description: 'Read-only replica host (never the primary)', default: '127.0.0.1' }),
  REPORTER_DB_PORT: env.port({ description: 'Read-only replica port', default: 3308 }),
  REPORTER_DB_NAME: env.string({ description: 'Application database on the replica', default: 'chucar' }),
  REPORTER_DB_USER: env.string({ description: 'Reporter account (SELECT only)', default: 'chucar_reporter' }),
  REPORTER_DB_PASSWORD: env.string({ description: 'Reporter account password', default: localDevelopmentSecrets.reporterDatabasePassword, secret: true }),
  REPORTER_DB_TIMEOUT_MS: env.int({ description: 'Client-side timeout of one report query, streaming included', default: 120_000, min: 100 }),
  REPORTER_STATEMENT_TIME_LIMIT_S: env.number({ description: 'Server-side limit of one report query on the replica (MariaDB max_statement_time, seconds)', default: 110, min: 0.1 }),
  REPORTER_MAX_CONCURRENT_QUERIES: env.int({ description: 'Report queries this process runs on the replica at once; more wait', default: 2, min: 1, max: 16 }),
  REPORTER_QUEUE_WAIT_MS: env.int({ description: 'How long a report waits for a query slot before 503 reports_busy', default: 30_000, min: 0 }),
  REPORTER_LAG_WARN_S: env.number({ description: 'Replica lag (from the heartbeat) above which every report carries a warning', default: 60, min: 0 }),
  REPORTER_ALLOW_NON_REPLICA: env.bool({
    description: 'BREAK GLASS: report even when the server fails the replica checks (writable, replication stopped, account can write). Logged loudly at start and on every run; never set it in normal operation',
    default: false,
  }),
  REPORTER_JWT_SECRET: env.string({ description: 'The gateway’s JWT_SECRET: analysts’ and admins’ access tokens are verified with it (>= 32 characters; required in production)', default: localDevelopmentSecrets.accessTokenSecret, secret: true }),
  REPORTER_SERVICE_SECRET: env.string({
    description: 'HMAC secret of the service tokens the gateway signs when it forwards /v1/reports (>= 32 characters, the gateway’s value; required in production)',
    default: localDevelopmentSecrets.reporterServiceSecret,
    secret: true,
  }),
  // The daily reports (main-schedule.ts): a BullMQ job scheduler in Redis, files to a folder and/or a bucket.
  ...redisEnv,
  REPORTER_QUEUE_PREFIX: env.string({ description: 'BullMQ key prefix of the reports queue (keeps environments sharing one Redis apart)', default: 'bull' }),
  REPORTER_DAILY_CRON: env.string({ description: 'When the previous day’s reports are written (cron, read in Korean time)', default: '30 0 * * *' }),
  REPORTER_DAILY_REPORTS: env.list({ description: 'Reports written every day', default: [...REPORT_NAMES] }),
  REPORTER_DAILY_FORMATS: env.list({ description: 'Formats of the daily reports (csv, json, html, table)', default: ['csv', 'html'] }),
  REPORTER_DAILY_DIR: env.string({ description: 'Folder the daily reports are written to, one folder per day (empty: none)', default: '.stack/reports' }),
  REPORTER_DAILY_BUCKET: env.string({ description: 'S3 bucket the daily reports are written to, under daily/<day>/ (empty: none)', default: '' }),
  REPORTER_S3_ENDPOINT: env.string({ description: 'S3-compatible endpoint of the reports bucket (empty: AWS S3 in REPORTER_S3_REGION)', default: 'http://127.0.0.1:9000' }),
  REPORTER_S3_REGION: env.string({ description: 'Region of the reports bucket', default: 'us-east-1' }),
  REPORTER_S3_ACCESS_KEY_ID: env.string({ description: 'Access key of the reports bucket (empty: the AWS default chain)', default: localDevelopmentSecrets.s3AccessKeyId }),
  REPORTER_S3_SECRET_ACCESS_KEY: env.string({ description: 'Secret key of the reports bucket', default: localDevelopmentSecrets.s3SecretAccessKey, secret: true }),
  REPORTER_S3_FORCE_PATH_STYLE: env.bool({ description: 'Path-style bucket URLs for the reports bucket', default: true }),
};

export type ReporterConfig = EnvValues<typeof reporterEnv>;

/**
 * The statistics replica's follower (npm run reporter:follow): the one reporter process that knows
 * the cluster's nodes and holds an account that may change the replica's source. The reporter's
 * other processes never read these variables.
 */
export const statisticsFollowerEnv = {
  ...runtimeEnv,
  REPORTER_HOST: reporterEnv.REPORTER_HOST,
  STATISTICS_FOLLOW_PORT: env.port({ description: 'Port of the statistics replica follower’s /metrics and /health (npm run reporter:follow, on REPORTER_HOST; not with --once)', default: 3005 }),
  STATISTICS_REPLICA_HOST: env.string({ description: 'The statistics replica the follower keeps pointed at a live cluster node (read_only; the follower refuses any other server)', default: '127.0.0.1' }),
  STATISTICS_REPLICA_PORT: env.port({ description: 'Port of the statistics replica', default: 3314 }),
  STATISTICS_SOURCE_NODES: env.list({ description: 'The Galera nodes the statistics replica may follow, host:port, in the order they are tried as a new source', default: ['127.0.0.1:3311', '127.0.0.1:3312', '127.0.0.1:3313'] }),
  STATISTICS_ADMIN_USER: env.string({ description: 'Account on the statistics replica (STOP SLAVE, CHANGE MASTER, START SLAVE) and on the nodes (their wsrep state and binary logs: BINLOG MONITOR)', default: 'chucar_admin' }),
  STATISTICS_ADMIN_PASSWORD: env.string({ description: 'Password of STATISTICS_ADMIN_USER', default: localDevelopmentSecrets.adminDatabasePassword, secret: true }),
  STATISTICS_REPLICATION_USER: env.string({ description: 'Replication account the statistics replica logs in to a node with (CHANGE MASTER’s MASTER_USER)', default: 'chucar_repl' }),
  STATISTICS_REPLICATION_PASSWORD: env.string({ description: 'Password of STATISTICS_REPLICATION_USER', default: localDevelopmentSecrets.replicationDatabasePassword, secret: true }),
  STATISTICS_FOLLOW_INTERVAL_MS: env.int({ description: 'How often the follower looks at the replica and the nodes', default: 2000, min: 200, max: 60_000 }),
  STATISTICS_SOURCE_GRACE_MS: env.int({ description: 'How long the followed node must be gone (unreachable, or not synced in the primary component) before the replica is repointed', default: 5000, min: 0, max: 300_000 }),
  STATISTICS_PROBE_TIMEOUT_MS: env.int({ description: 'Bound of each connection and statement the follower uses to look at a server', default: 2000, min: 100, max: 30_000 }),
  STATISTICS_CONTROL_TIMEOUT_MS: env.int({ description: 'Bound of each statement that changes the replica (STOP SLAVE waits for its threads to end)', default: 15_000, min: 1000, max: 120_000 }),
};

export type StatisticsFollowerConfig = EnvValues<typeof statisticsFollowerEnv> & { sourceNodes: SourceNode[] };

/** The repoint must land within 30 s of the loss: grace, a look at every server and a repoint must fit. */
const REPOINT_DEADLINE_MS = 30_000;

export function loadStatisticsFollowerConfig(source: Record<string, string | undefined> = process.env): StatisticsFollowerConfig {
  const config = readEnv(statisticsFollowerEnv, source);
  const problems: string[] = [];
  const sourceNodes: SourceNode[] = [];
  for (const text of config.STATISTICS_SOURCE_NODES) {
    try {
      sourceNodes.push(parseNodeAddress(text));
    } catch (error) {
      problems.push(`STATISTICS_SOURCE_NODES: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (config.STATISTICS_SOURCE_NODES.length === 0) problems.push('STATISTICS_SOURCE_NODES must name at least one node');
  const replica = `${config.STATISTICS_REPLICA_HOST}:${config.STATISTICS_REPLICA_PORT}`;
  if (sourceNodes.some((node) => nodeAddress(node) === replica)) problems.push(`STATISTICS_SOURCE_NODES must not name the statistics replica itself (${replica})`);
  if (new Set(sourceNodes.map(nodeAddress)).size !== sourceNodes.length) problems.push('STATISTICS_SOURCE_NODES names a node twice');
  const worstCaseMs = config.STATISTICS_SOURCE_GRACE_MS + 2 * config.STATISTICS_FOLLOW_INTERVAL_MS + 3 * config.STATISTICS_PROBE_TIMEOUT_MS;
  if (worstCaseMs > REPOINT_DEADLINE_MS) problems.push(`STATISTICS_SOURCE_GRACE_MS + 2 × STATISTICS_FOLLOW_INTERVAL_MS + 3 × STATISTICS_PROBE_TIMEOUT_MS is ${worstCaseMs} ms: a lost node would be left for more than ${REPOINT_DEADLINE_MS / 1000} s`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, sourceNodes };
}

export function loadReporterConfig(source: Record<string, string | undefined> = process.env): ReporterConfig {
  const config = readEnv(reporterEnv, source);
  const problems: string[] = [];
  for (const name of ['REPORTER_JWT_SECRET', 'REPORTER_SERVICE_SECRET'] as const) {
    if (config[name].length < MIN_HS256_SECRET_LENGTH) problems.push(`${name} must be at least ${MIN_HS256_SECRET_LENGTH} characters`);
  }
  problems.push(...developmentSecretProblems(config.NODE_ENV, { REPORTER_JWT_SECRET: config.REPORTER_JWT_SECRET, REPORTER_SERVICE_SECRET: config.REPORTER_SERVICE_SECRET }));
  if (config.REPORTER_STATEMENT_TIME_LIMIT_S * 1000 > config.REPORTER_DB_TIMEOUT_MS) problems.push('REPORTER_STATEMENT_TIME_LIMIT_S must not exceed REPORTER_DB_TIMEOUT_MS: the server should stop a query before the client gives up on it');
  const unknownReports = config.REPORTER_DAILY_REPORTS.filter((name) => !(REPORT_NAMES as readonly string[]).includes(name));
  if (unknownReports.length > 0) problems.push(`REPORTER_DAILY_REPORTS names unknown reports: ${unknownReports.join(', ')} (reports: ${REPORT_NAMES.join(', ')})`);
  const unknownFormats = config.REPORTER_DAILY_FORMATS.filter((name) => !(REPORT_FORMATS as readonly string[]).includes(name));
  if (unknownFormats.length > 0) problems.push(`REPORTER_DAILY_FORMATS names unknown formats: ${unknownFormats.join(', ')} (formats: ${REPORT_FORMATS.join(', ')})`);
  if (config.REPORTER_SCHEDULE_PORT === config.REPORTER_PORT) problems.push('REPORTER_SCHEDULE_PORT must differ from REPORTER_PORT: the scheduler and the HTTP API both listen on REPORTER_HOST');
  if (!/^[\w-]{1,32}$/.test(config.REPORTER_QUEUE_PREFIX)) problems.push('REPORTER_QUEUE_PREFIX must be 1-32 letters, digits, - or _ (BullMQ forbids ":")');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
