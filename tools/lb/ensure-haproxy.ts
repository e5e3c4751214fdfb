/** Installs Debian's HAProxy when missing (as root; otherwise prints the command). CI runs it before the tests. */
import { ensureHaproxy } from './haproxy.ts';

try {
  ensureHaproxy();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
