/** The integration-test helpers live in @chucar/platform/testing; tools import them from here too. */
import { loadStackConfig, type StackConfig } from '../stack/config.ts';
import { testDatabaseName } from '@chucar/platform/testing';

export * from '@chucar/platform/testing';

export function testStackConfig(): StackConfig {
  return { ...loadStackConfig(), DB_NAME: testDatabaseName };
}
