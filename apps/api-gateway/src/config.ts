import { DEFAULT_MEDIA_MAX_UPLOAD_BYTES, DEFAULT_REQUEST_TTL_DAYS, DEFAULT_SIGN_IN_THROTTLE } from '@chucar/domain';
import { ACCESS_TOKEN_MAX_TTL_S, clusterDatabaseEnv, ConfigError, developmentSecretProblems, env, localDevelopmentSecrets, MIN_HS256_SECRET_LENGTH, primaryDatabaseEnv, readEnv, redisEnv, replicaDatabaseEnv, runtimeEnv, uploadRequestEnv, type EnvValues } from '@chucar/platform';

/** What the gateway's own Redis keys (rate limits, sign-in throttle) start with unless told otherwise. */
export const DEFAULT_GATEWAY_REDIS_KEY_PREFIX = 'chucar:';

export const gatewayEnv = {
  ...runtimeEnv,
  ...uploadRequestEnv,
  GATEWAY_HOST: env.string({ description: 'Address the gateway listens on (0.0.0.0 in containers)', default: '127.0.0.1' }),
  GATEWAY_PORT: env.port({ description: 'Gateway HTTP port', default: 3000 }),
  TRUST_PROXY: env.bool({ description: 'Behind the load balancer: the client address is the X-Forwarded-For entry the balancer (the immediate peer) added', default: false }),
  BODY_LIMIT_BYTES: env.int({ description: 'Largest JSON body accepted', default: 1_048_576, min: 1024 }),
  JWT_SECRET: env.string({ description: 'HMAC secret for access tokens (>= 32 characters; required in production)', default: localDevelopmentSecrets.accessTokenSecret, secret: true }),
  ACCESS_TOKEN_TTL_S: env.int({ description: 'Access token lifetime', default: 900, min: 30, max: ACCESS_TOKEN_MAX_TTL_S }),
  REFRESH_TOKEN_TTL_DAYS: env.int({ description: 'Refresh token lifetime in days', default: 30, min: 1, max: 365 }),
  CORS_ORIGINS: env.list({ description: 'Web origins allowed by CORS, comma separated', default: ['http://localhost:8080', 'http://127.0.0.1:8080'] }),
  GATEWAY_REDIS_KEY_PREFIX: env.string({
    description: "Start of the gateway's Redis keys (rate limits, sign-in throttle): gateways sharing one Redis share counts only with the same prefix, so a benchmark or a second environment keeps its own",
    default: DEFAULT_GATEWAY_REDIS_KEY_PREFIX,
  }),
  RATE_LIMIT_ENABLED: env.bool({ description: 'Per-client rate limiting in Redis (disable only behind another limiter)', default: true }),
  RATE_LIMIT_MAX: env.int({ description: 'Requests per client per window', default: 600, min: 1 }),
  RATE_LIMIT_WINDOW_MS: env.int({ description: 'Rate limit window', default: 60_000, min: 1000 }),
  RATE_LIMIT_SYNC_INTERVAL_MS: env.int({ description: 'How often each gateway settles its rate-limit counts with Redis', default: 100, min: 10, max: 10_000 }),
  RATE_LIMIT_SYNC_BATCH: env.int({ description: 'A client’s requests a gateway counts locally before settling with Redis; limits may overshoot by gateways × this per window', default: 10, min: 1 }),
  SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: env.int({ description: 'Failed sign-ins for one account from one client address before the next attempt must wait', default: DEFAULT_SIGN_IN_THROTTLE.accountAtAddress.freeFailures, min: 1 }),
  SIGN_IN_FREE_FAILURES_PER_ADDRESS: env.int({ description: 'Failed sign-ins from one client address (an IPv6 /64), any account, before the next attempt must wait', default: DEFAULT_SIGN_IN_THROTTLE.address.freeFailures, min: 1 }),
  SIGN_IN_FREE_FAILURES_PER_ACCOUNT: env.int({ description: 'Failed sign-ins for one account from every address before the next attempt must wait', default: DEFAULT_SIGN_IN_THROTTLE.account.freeFailures, min: 1 }),
  SIGN_IN_FIRST_DELAY_MS: env.int({ description: 'First wait after the free failed sign-ins; each further failure doubles it', default: DEFAULT_SIGN_IN_THROTTLE.account.firstDelayMs, min: 1, max: 3_600_000 }),
  SIGN_IN_MAX_DELAY_MS: env.int({ description: 'Longest wait per account and address and per address', default: DEFAULT_SIGN_IN_THROTTLE.accountAtAddress.maxDelayMs, min: 1, max: 86_400_000 }),
  SIGN_IN_ACCOUNT_MAX_DELAY_MS: env.int({ description: 'Longest wait per account from every address (keep it short: anyone can raise it, so it is what a real user may wait)', default: DEFAULT_SIGN_IN_THROTTLE.account.maxDelayMs, min: 1, max: 3_600_000 }),
  SIGN_IN_FAILURE_MEMORY_MS: env.int({ description: 'How long failed sign-ins are remembered after the wait they caused', default: DEFAULT_SIGN_IN_THROTTLE.failureMemoryMs, min: 1000, max: 86_400_000 }),
  REQUEST_TTL_DAYS: env.int({ description: 'Days a quote request stays open before it expires', default: DEFAULT_REQUEST_TTL_DAYS, min: 1, max: 365 }),
  EXPIRY_SWEEP_INTERVAL_MS: env.int({ description: 'How often one gateway persists the expiry of overdue requests', default: 60_000, min: 1000 }),
  REPLICA_MAX_LAG_S: env.number({ description: 'Replica lag above which reads go to the primary', default: 1, min: 0 }),
  REPLICA_RECOVER_LAG_S: env.number({ description: 'Lag below which reads return to the replica (hysteresis)', default: 0.5, min: 0 }),
  REPLICA_CHECK_INTERVAL_MS: env.int({ description: 'How often the replica lag is measured', default: 500, min: 50 }),
  PRIMARY_CHECK_INTERVAL_MS: env.int({ description: 'How often the primary is probed; while it does not answer, writes get 503 at once and reads stay on the replica', default: 500, min: 50, max: 60_000 }),
  SHUTDOWN_DRAIN_MS: env.int({ description: 'On SIGTERM, how long readiness fails while the gateway still serves, before it closes (above the load balancer’s check interval × fall count)', default: 3000, min: 0, max: 120_000 }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: env.int({ description: 'Idle keep-alive connections close after this long (above the load balancer’s idle server-connection time, 60 s in deploy/haproxy)', default: 75_000, min: 1000 }),
  IDEMPOTENCY_KEY_TTL_H: env.int({ description: 'Hours an Idempotency-Key and its stored answer are kept', default: 24, min: 1, max: 720 }),
  IDEMPOTENCY_SWEEP_INTERVAL_MS: env.int({ description: 'How often each gateway deletes expired idempotency keys', default: 600_000, min: 1000 }),
  GTID_WAIT_TIMEOUT_MS: env.int({ description: 'How long a read waits for the replica to reach the client’s last write', default: 100, min: 0, max: 5000 }),
  MEDIA_SERVICE_URL: env.url({ description: 'Media service API base URL', default: 'http://127.0.0.1:3001' }),
  MEDIA_SERVICE_TIMEOUT_MS: env.int({ description: 'Timeout of a call to the media service: connecting, and each wait for its answer or for the client’s next bytes', default: 30_000, min: 100 }),
  MEDIA_SERVICE_SECRET: env.string({
    description: 'HMAC secret of the service tokens the gateway signs for the media service (>= 32 characters, the media service’s value; required in production)',
    default: localDevelopmentSecrets.mediaServiceSecret,
    secret: true,
  }),
  MEDIA_MAX_UPLOAD_BYTES: env.int({ description: 'Largest body accepted on the media and resumable-upload routes (413 beyond)', default: DEFAULT_MEDIA_MAX_UPLOAD_BYTES, min: 1024 }),
  WEB_DIST_DIR: env.string({ description: 'The built web client (vite output of apps/web) served at / by the gateway; empty: not served', default: 'dist/apps/web' }),
  WEB_IMAGE_ORIGINS: env.list({ description: 'Origins the web client may load images from (where signed media URLs point: S3_PUBLIC_ENDPOINT), added to its Content-Security-Policy img-src', default: ['http://127.0.0.1:9000', 'http://localhost:9000'] }),
  REPORTER_URL: env.string({ description: 'Replica reporter base URL; /v1/reports is forwarded there (empty: this gateway exposes no reports)', default: '' }),
  REPORTER_TIMEOUT_MS: env.int({ description: 'Timeout of a forwarded report: connecting, and each wait for the reporter’s next bytes', default: 120_000, min: 100 }),
  REPORTER_SERVICE_SECRET: env.string({ description: 'HMAC secret of the service tokens the gateway signs for the reporter (>= 32 characters, the reporter’s value; required in production)', default: localDevelopmentSecrets.reporterServiceSecret, secret: true }),
  ALERTMANAGER_URL: env.url({ description: 'Alertmanager base URL (its API v2 lists the alerts firing now at GET /v1/admin/alerts)', default: 'http://127.0.0.1:9093' }),
  ALERTMANAGER_TIMEOUT_MS: env.int({ description: 'Timeout of a call to Alertmanager, connecting and reading included (503 beyond: the admin page must never hang on it)', default: 2000, min: 100, max: 30_000 }),
  ...primaryDatabaseEnv,
  ...replicaDatabaseEnv,
  ...clusterDatabaseEnv,
  ...redisEnv,
};

export type GatewayConfig = EnvValues<typeof gatewayEnv>;

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = readEnv(gatewayEnv, source);
  const problems: string[] = [];
  for (const name of ['JWT_SECRET', 'MEDIA_SERVICE_SECRET', 'REPORTER_SERVICE_SECRET'] as const) {
    if (config[name].length < MIN_HS256_SECRET_LENGTH) problems.push(`${name} must be at least ${MIN_HS256_SECRET_LENGTH} characters`);
  }
  // Without a reporter, its secret signs nothing.
  problems.push(...developmentSecretProblems(config.NODE_ENV, { JWT_SECRET: config.JWT_SECRET, MEDIA_SERVICE_SECRET: config.MEDIA_SERVICE_SECRET, ...(config.REPORTER_URL === '' ? {} : { REPORTER_SERVICE_SECRET: config.REPORTER_SERVICE_SECRET }) }));
  if (!/^[\w:-]{1,40}$/.test(config.GATEWAY_REDIS_KEY_PREFIX)) problems.push('GATEWAY_REDIS_KEY_PREFIX must be 1-40 letters, digits, -, _ or :');
  if (config.REPORTER_URL !== '' && !URL.canParse(config.REPORTER_URL)) problems.push('REPORTER_URL must be a URL (or empty)');
  if (!/^https?:$/.test(new URL(config.ALERTMANAGER_URL).protocol)) problems.push('ALERTMANAGER_URL must be an http or https URL');
  if (config.REPLICA_RECOVER_LAG_S > config.REPLICA_MAX_LAG_S) problems.push('REPLICA_RECOVER_LAG_S must not exceed REPLICA_MAX_LAG_S');
  // The server waits whole seconds for a GTID; a node's statement cap must outlast that wait.
  if (config.DB_CLUSTER_NODES.length > 0 && config.GTID_WAIT_TIMEOUT_MS >= Math.min(config.DB_QUERY_TIMEOUT_MS, config.DB_CLUSTER_WRITE_TIMEOUT_MS)) {
    problems.push('GTID_WAIT_TIMEOUT_MS must be below DB_QUERY_TIMEOUT_MS and DB_CLUSTER_WRITE_TIMEOUT_MS in cluster mode (DB_CLUSTER_NODES)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
