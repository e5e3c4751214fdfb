/** Test doubles for services built on @chucar/domain: in-memory repositories, a fake clock. */
export { createInMemoryRepositories, createInMemoryWriteRunner } from './in-memory-repositories.ts';
export { createFakeClock, createInMemoryStore, loadCatalog } from './in-memory-store.ts';
export type { FakeClock, InMemoryState, InMemoryStore } from './in-memory-store.ts';
export { createTestBackend } from './test-backend.ts';
export type { TestBackend } from './test-backend.ts';
export { createScenario, testCatalog, testMarketplaceSettings } from './scenario.ts';
export type { Scenario } from './scenario.ts';
