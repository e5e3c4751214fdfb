/**
 * The local stack's credentials, defined once: the apps' config defaults, the stack tool, the
 * benchmarks and the tests read them from here, so a local stack works with nothing configured.
 * They are in the repository, so anyone can sign with the signing secrets: every app refuses to
 * start in production with one of them (`developmentSecretProblems`).
 */
export const localDevelopmentSecrets = {
  /** The gateway's JWT_SECRET, which the reporter and the media worker's queue dashboard share. */
  accessTokenSecret: 'development-only-secret-change-me-0123456789',
  /** MEDIA_SERVICE_SECRET of the gateway and the media service. */
  mediaServiceSecret: 'development-only-media-service-secret-0123456789',
  /** REPORTER_SERVICE_SECRET of the gateway and the reporter. */
  reporterServiceSecret: 'development-only-reporter-service-secret-0123456789',
  /** s3rver accepts this key pair and no other. */
  s3AccessKeyId: 'S3RVER',
  s3SecretAccessKey: 'S3RVER',
  /** The MariaDB accounts the stack creates on both servers. */
  appDatabasePassword: 'chucar_app_pw',
  reporterDatabasePassword: 'chucar_reporter_pw',
  replicationDatabasePassword: 'chucar_repl_pw',
  adminDatabasePassword: 'chucar_admin_pw',
} as const;

const signingSecrets: readonly string[] = [localDevelopmentSecrets.accessTokenSecret, localDevelopmentSecrets.mediaServiceSecret, localDevelopmentSecrets.reporterServiceSecret];

/** Whether `value` is one of the development signing secrets, which would let anyone sign tokens. */
export function isDevelopmentSigningSecret(value: string): boolean {
  return signingSecrets.includes(value);
}

/**
 * In production, one "NAME is required in production" problem per variable still holding a
 * development signing secret (any of them: a secret copied into the wrong variable is as public).
 */
export function developmentSecretProblems(nodeEnv: string, secrets: Readonly<Record<string, string>>): string[] {
  if (nodeEnv !== 'production') return [];
  return Object.entries(secrets)
    .filter(([, value]) => isDevelopmentSigningSecret(value))
    .map(([name]) => `${name} is required in production (its development default is public)`);
}
