import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv, type EnvValues } from '@chucar/platform';
import { localStackEnv } from '@chucar/platform/testing';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Kept under this name for the stack tool and the env docs. */
export const stackEnv = localStackEnv;

export type StackConfig = EnvValues<typeof stackEnv> & {
  stateDir: string;
  /**
   * Each Galera node's group listen host, for a test that stands a relay (a TCP proxy it can cut)
   * on 127.0.0.1 at each node's group port; unset, the nodes listen on 127.0.0.1 themselves.
   */
  galeraGroupListenHosts?: readonly string[];
};

export function loadStackConfig(source: Record<string, string | undefined> = process.env): StackConfig {
  const values = readEnv(stackEnv, source);
  return { ...values, stateDir: path.resolve(repoRoot, values.STACK_DIR) };
}

/** Databases the app account owns: the app's own and the one tests recreate. */
export const appDatabasePattern = 'chucar%';
