/** Process entry of `npm run report -- <report> …` (see cli/cli-args.ts for the flags). */
import { runCli } from './cli/run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
