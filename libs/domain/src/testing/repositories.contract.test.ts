import { describeRepositoryContract } from './repository-contract/index.ts';
import { createInMemoryRepositories } from './in-memory-repositories.ts';
import { createInMemoryStore, loadCatalog } from './in-memory-store.ts';

describeRepositoryContract('in-memory fakes', async (catalog) => {
  const store = createInMemoryStore();
  loadCatalog(store, catalog);
  return createInMemoryRepositories(store);
});
