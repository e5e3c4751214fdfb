import { DEFAULT_MEDIA_MAX_UPLOAD_BYTES, MEDIA_MAX_PIXELS } from '@chucar/domain';
import { clusterDatabaseEnv, ConfigError, developmentSecretProblems, env, localDevelopmentSecrets, MIN_HS256_SECRET_LENGTH, primaryDatabaseEnv, readEnv, redisEnv, runtimeEnv, s3Env, uploadRequestEnv, type EnvValues } from '@chucar/platform';
import { integrityEnv } from './integrity/scrub-config.ts';
import { mirrorEnv } from './storage/mirror-config.ts';

export const mediaEnv = {
  ...runtimeEnv,
  ...uploadRequestEnv,
  MEDIA_HOST: env.string({ description: 'Address the media API listens on (0.0.0.0 in containers)', default: '127.0.0.1' }),
  MEDIA_PORT: env.port({ description: 'Media service API port', default: 3001 }),
  MEDIA_SERVICE_SECRET: env.string({
    description: 'HMAC secret of the service tokens the gateway signs for the media service (>= 32 characters, the gateway’s value; required in production)',
    default: localDevelopmentSecrets.mediaServiceSecret,
    secret: true,
  }),
  MEDIA_SPOOL_DIR: env.string({ description: 'Durable spool for accepted uploads (a persistent volume)', default: '.stack/media-spool' }),
  MEDIA_SPOOL_MIN_FREE_BYTES: env.int({ description: 'Uploads get 503 + Retry-After while the spool’s disk has less free space than this', default: 512 * 1024 * 1024, min: 0 }),
  MEDIA_SPOOL_MIN_FREE_PERCENT: env.number({ description: '… or less than this share of the disk free, in percent', default: 5, min: 0, max: 99 }),
  MEDIA_SPOOL_RETENTION_DAYS: env.int({ description: 'Days the spool keeps an original after it is stored (repair restores from it)', default: 7, min: 0, max: 365 }),
  MEDIA_MAX_UPLOAD_BYTES: env.int({ description: 'Largest file accepted (413 beyond; POST and resumable uploads alike)', default: DEFAULT_MEDIA_MAX_UPLOAD_BYTES, min: 1024 }),
  MEDIA_MAX_PIXELS: env.int({ description: 'Largest image accepted, in pixels (width x height; more is refused as a decompression bomb)', default: MEDIA_MAX_PIXELS, min: 1 }),
  MEDIA_SIGNED_URL_TTL_S: env.int({ description: 'Lifetime of the signed GET URLs of originals and variants', default: 300, min: 1, max: 604_800 }),
  S3_PUBLIC_ENDPOINT: env.string({ description: 'S3 endpoint as clients reach it, for signed URLs (empty: S3_ENDPOINT; set it when the service reaches S3 by an internal name)', default: '' }),
  MEDIA_TUS_EXPIRY_HOURS: env.int({ description: 'Hours a resumable upload lives after its creation; then it is deleted, finished or not (a finished one is already in the spool)', default: 24, min: 1, max: 720 }),
  MEDIA_RECONCILE_INTERVAL_MS: env.int({ description: 'How often the worker re-enqueues media rows stuck in a non-final state', default: 60_000, min: 1000 }),
  MEDIA_WORKER_PORT: env.port({ description: 'Media worker port for /metrics and /health (on MEDIA_HOST)', default: 3003 }),
  MEDIA_WORKER_CONCURRENCY: env.int({ description: 'Jobs one media worker process runs at once (S3 puts wait on the network; previews use the CPU)', default: 4, min: 1, max: 64 }),
  MEDIA_WORKER_LOCK_MS: env.int({ description: "How long a running job's lock lasts (renewed at half); a dead worker's jobs are handed out again within about twice this", default: 30_000, min: 2000 }),
  MEDIA_STORAGE_PROBE_INTERVAL_MS: env.int({
    description:
      'How often the worker probes each object store even while idle. A store is down after two failed probes in a row: within about twice this when it refuses connections, twice (this + min(S3_TIMEOUT_MS, 10 s)) when it hangs. At 5 s a refused store is down in 10 s, so a 60 s alert on media_storage_up pages within 90 s',
    default: 5000,
    min: 1000,
    max: 60_000,
  }),
  MEDIA_QUEUE_STUCK_AFTER_MS: env.int({ description: 'The media queue counts as stuck (readiness degraded, media_queue_stuck 1, an error log) when work has waited this long with no job completing', default: 300_000, min: 1000 }),
  MEDIA_ORPHAN_GRACE_HOURS: env.number({ description: 'The orphan sweep never touches an object younger than this (objects with no media row)', default: 24, min: 1 }),
  MEDIA_ORPHAN_TOMBSTONE_DAYS: env.number({ description: 'Days an orphan stays under tombstones/ (restorable) before the sweep purges it', default: 30, min: 1 }),
  MEDIA_ORPHAN_SCHEDULE: env.oneOf(['off', 'report', 'sweep'] as const, { description: 'What the scheduled orphan run does: report only (counts in media_orphan_objects and the log), sweep (tombstone and purge), or nothing', default: 'report' }),
  MEDIA_ORPHAN_INTERVAL_MS: env.int({ description: 'How often the scheduled orphan run goes', default: 6 * 60 * 60 * 1000, min: 60_000 }),
  MEDIA_ORPHAN_MAX_SHARE_PERCENT: env.number({ description: 'A sweep refuses to move anything when more than this share of a store looks orphaned (a wrong database or bucket, not leftovers)', default: 10, min: 0, max: 100 }),
  JWT_SECRET: env.string({ description: "The gateway's access-token secret: the worker's queue dashboard (/admin/queues) admits admins' tokens. The development default is the gateway's; in production the dashboard stays off until it is set", default: localDevelopmentSecrets.accessTokenSecret, secret: true }),
  ...mirrorEnv,
  ...integrityEnv,
  MEDIA_QUEUE_PREFIX: env.string({ description: 'BullMQ key prefix of the media queue (keeps environments sharing one Redis apart; API and worker must agree)', default: 'bull' }),
  ...primaryDatabaseEnv,
  ...clusterDatabaseEnv,
  ...redisEnv,
  ...s3Env,
};

export type MediaConfig = EnvValues<typeof mediaEnv>;

export function loadMediaConfig(source: Record<string, string | undefined> = process.env): MediaConfig {
  const config = readEnv(mediaEnv, source);
  const problems: string[] = [];
  if (config.MEDIA_SERVICE_SECRET.length < MIN_HS256_SECRET_LENGTH) problems.push(`MEDIA_SERVICE_SECRET must be at least ${MIN_HS256_SECRET_LENGTH} characters`);
  // JWT_SECRET is not among them: a development one only keeps the queue dashboard off in production.
  problems.push(...developmentSecretProblems(config.NODE_ENV, { MEDIA_SERVICE_SECRET: config.MEDIA_SERVICE_SECRET }));
  if (!/^[\w-]{1,32}$/.test(config.MEDIA_QUEUE_PREFIX)) problems.push('MEDIA_QUEUE_PREFIX must be 1-32 letters, digits, - or _ (BullMQ forbids ":")');
  if (config.JWT_SECRET !== '' && config.JWT_SECRET.length < MIN_HS256_SECRET_LENGTH) problems.push(`JWT_SECRET must be at least ${MIN_HS256_SECRET_LENGTH} characters (or empty: no queue dashboard)`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
