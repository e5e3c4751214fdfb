/**
 * `node --import ./tools/stack/with-service-env.ts <command>`: runs an operator command with the
 * environment `npm start` gives its services (service-env.ts), so it sees the same stores with no
 * variables to remember: the media commands and db:seed the Galera cluster, the report commands the
 * statistics replica. A preload rather than a wrapper process: the command keeps its
 * own pid, signals and exit status.
 */
import { ConfigError } from '@chucar/platform';
import { loadStackConfig } from './config.ts';
import { localServiceEnv } from './service-env.ts';

try {
  Object.assign(process.env, localServiceEnv(loadStackConfig()));
} catch (error) {
  // One line, as every command's bad input gets: the config error lists its problems on several.
  console.error(`local stack settings: ${error instanceof ConfigError ? error.problems.join('; ') : String(error)}`);
  process.exit(2);
}
