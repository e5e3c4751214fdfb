import type { FixtureMaker } from './catalog-fixture.ts';
import { readsFrom } from '../repositories.ts';
import type { ReadRunner, Repositories, WriteRunner } from '../repositories.ts';
import { createInMemoryRepositories, createInMemoryWriteRunner } from './in-memory-repositories.ts';
import { createFakeClock, createInMemoryStore, loadCatalog } from './in-memory-store.ts';
import type { FakeClock, InMemoryStore } from './in-memory-store.ts';

/** `repos` is for arranging state directly; services get `reads` and `writes`. */
export type TestBackend = { store: InMemoryStore; repos: Repositories; reads: ReadRunner; writes: WriteRunner; clock: FakeClock };

/** Everything a service needs, in memory, with an optional catalog preloaded. */
export function createTestBackend(catalog: readonly FixtureMaker[] = []): TestBackend {
  const store = createInMemoryStore();
  loadCatalog(store, catalog);
  const repos = createInMemoryRepositories(store);
  return {
    store,
    repos,
    reads: readsFrom(repos),
    writes: createInMemoryWriteRunner(store),
    clock: createFakeClock(),
  };
}
