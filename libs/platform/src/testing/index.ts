export * from './local-stack.ts';
export { localStackEnv } from '../config/local-stack.ts';
export {
  configureReplication,
  readReplicaSourceStatus,
  shutDownServer,
  startReplicaSqlThread,
  startReplication,
  stopReplicaSqlThread,
  stopReplication,
  waitForReplicaToReachPrimary,
} from '../db/mariadb-dialect.ts';
export type { ReplicationSource } from '../db/mariadb-dialect.ts';
export * from './tcp-proxy.ts';
export * from './service-process.ts';
export * from './cluster-database.ts';
