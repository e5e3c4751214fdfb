/**
 * `npm run db:bootstrap [-- --dry-run]`: after the local Galera cluster lost quorum, makes the most
 * advanced node Primary again and brings the other nodes back. Says which node it chose and why.
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@chucar/platform';
import { loadStackConfig } from './config.ts';
import { bootstrapAfterQuorumLoss } from './galera-bootstrap.ts';

const usage = 'usage: npm run db:bootstrap [-- --dry-run]';

function readFlags(): { dryRun: boolean } | null {
  try {
    const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
    if (values.help) {
      console.log(`${usage}\n  --dry-run  only say which node is the most advanced`);
      process.exit(0);
    }
    return { dryRun: values['dry-run'] };
  } catch (error) {
    console.error(`db:bootstrap: ${error instanceof Error ? error.message : String(error)}; ${usage}`);
    return null;
  }
}

const flags = readFlags();
if (!flags) process.exit(2);
const config = loadConfigOrExit('db:bootstrap', () => loadStackConfig());
bootstrapAfterQuorumLoss(config, (line) => console.log(line), flags.dryRun).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`db:bootstrap: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
