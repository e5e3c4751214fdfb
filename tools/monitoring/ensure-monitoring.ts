/** Installs Debian's Prometheus, Alertmanager and exporters when missing (as root). CI runs it before the tests: the rules' promtool tests and npm start's end-to-end test need them. */
import { installPackages, missingPackages } from '../supervisor/packages.ts';
import { monitoringPackages } from './local-monitoring.ts';

try {
  await installPackages(missingPackages(monitoringPackages), (line) => console.log(line));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
