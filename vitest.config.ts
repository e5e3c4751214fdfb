import { defineConfig } from 'vitest/config';

const everywhere = ['apps/*/src/**/', 'libs/*/src/**/', 'tools/**/', 'bench/**/', 'deploy/**/'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: everywhere.map((dir) => `${dir}*.test.ts`),
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Tests against the real local stack. One file at a time: some of them stop the
        // replica's SQL thread or a server, which would disturb a neighbour running beside them.
        test: {
          name: 'integration',
          include: everywhere.map((dir) => `${dir}*.int.test.ts`),
          exclude: ['**/node_modules/**'],
          globalSetup: ['tools/testing/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
