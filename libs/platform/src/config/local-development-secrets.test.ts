import { describe, expect, it } from 'vitest';
import { developmentSecretProblems, isDevelopmentSigningSecret, localDevelopmentSecrets } from './local-development-secrets.ts';
import { localStackEnv } from './local-stack.ts';
import { primaryDatabaseEnv, s3Env } from './specs.ts';

describe('local development secrets', () => {
  it('are the defaults of the kit’s env specs and of the local stack’s accounts', () => {
    expect(primaryDatabaseEnv.DB_PASSWORD.default).toBe(localDevelopmentSecrets.appDatabasePassword);
    expect([s3Env.S3_ACCESS_KEY_ID.default, s3Env.S3_SECRET_ACCESS_KEY.default]).toEqual([localDevelopmentSecrets.s3AccessKeyId, localDevelopmentSecrets.s3SecretAccessKey]);
    expect(localStackEnv.DB_PASSWORD.default).toBe(localDevelopmentSecrets.appDatabasePassword);
    expect(localStackEnv.DB_REPORTER_PASSWORD.default).toBe(localDevelopmentSecrets.reporterDatabasePassword);
    expect(localStackEnv.DB_REPLICATION_PASSWORD.default).toBe(localDevelopmentSecrets.replicationDatabasePassword);
    expect(localStackEnv.DB_ADMIN_PASSWORD.default).toBe(localDevelopmentSecrets.adminDatabasePassword);
  });

  it('signing secrets are long enough for HS256 and differ from one another', () => {
    const signing = [localDevelopmentSecrets.accessTokenSecret, localDevelopmentSecrets.mediaServiceSecret, localDevelopmentSecrets.reporterServiceSecret];
    for (const secret of signing) {
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(isDevelopmentSigningSecret(secret)).toBe(true);
    }
    expect(new Set(signing).size).toBe(3);
    expect(isDevelopmentSigningSecret('x'.repeat(32))).toBe(false);
  });

  it('are refused in production only, whichever variable holds one', () => {
    const secrets = { JWT_SECRET: localDevelopmentSecrets.accessTokenSecret, MEDIA_SERVICE_SECRET: localDevelopmentSecrets.reporterServiceSecret, OTHER_SECRET: 'o'.repeat(32) };
    expect(developmentSecretProblems('development', secrets)).toEqual([]);
    expect(developmentSecretProblems('production', secrets)).toEqual([
      'JWT_SECRET is required in production (its development default is public)',
      'MEDIA_SERVICE_SECRET is required in production (its development default is public)',
    ]);
  });
});
