/**
 * Writes `.env.example` from the env specs. With --check, writes nothing and exits 1 when the
 * committed file differs from what the specs produce (for CI and the unit test's sibling).
 */
import fs from 'node:fs';
import path from 'node:path';
import { envExamplePath, renderEnvExample } from './env-example.ts';

const expected = renderEnvExample();
const shownPath = path.relative(process.cwd(), envExamplePath) || envExamplePath;

if (process.argv.includes('--check')) {
  const current = fs.existsSync(envExamplePath) ? fs.readFileSync(envExamplePath, 'utf8') : '';
  if (current !== expected) {
    console.error(`${shownPath} is out of date with the env specs: run npm run env:example`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(envExamplePath, expected);
  console.log(`wrote ${shownPath}`);
}
