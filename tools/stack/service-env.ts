/**
 * What the local stack's media processes need on top of the caller's environment: the mirror is
 * the stack's second S3 server. `npm start` gives it to the media API and worker, and the operator
 * commands (`npm run media:*`, through with-service-env.ts) run with it, so a command checks the
 * same stores the services write.
 */
import type { StackConfig } from './config.ts';

export type StackMirror = Pick<StackConfig, 'S3_MIRROR_BUCKET' | 'S3_MIRROR_PORT'>;

/**
 * The variables to add to `env` for a media process on the local stack. A variable already set
 * wins, even when empty: `MEDIA_MIRROR_BUCKET=` is how an operator says "no mirror".
 */
export function localServiceEnv(stack: StackMirror, env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  return {
    MEDIA_MIRROR_BUCKET: env['MEDIA_MIRROR_BUCKET'] ?? stack.S3_MIRROR_BUCKET,
    MEDIA_MIRROR_ENDPOINT: env['MEDIA_MIRROR_ENDPOINT'] ?? `http://127.0.0.1:${stack.S3_MIRROR_PORT}`,
  };
}
