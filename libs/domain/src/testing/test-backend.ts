import type { DemoMaker } from '../catalog/catalog.demo-data.ts';
import type { Repositories, WriteRunner } from '../repositories.ts';
import { createInMemoryRepositories, createInMemoryWriteRunner } from './in-memory-repositories.ts';
import { createFakeClock, createInMemoryStore, loadCatalog } from './in-memory-store.ts';
import type { FakeClock, InMemoryStore } from './in-memory-store.ts';

export type TestBackend = { store: InMemoryStore; reads: Repositories; writes: WriteRunner; clock: FakeClock };

/** Everything a service needs, in memory, with an optional catalog preloaded. */
export function createTestBackend(catalog: readonly DemoMaker[] = []): TestBackend {
  const store = createInMemoryStore();
  loadCatalog(store, catalog);
  return {
    store,
    reads: createInMemoryRepositories(store),
    writes: createInMemoryWriteRunner(store),
    clock: createFakeClock(),
  };
}
