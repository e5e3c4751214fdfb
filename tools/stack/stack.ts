import fs from 'node:fs';
import { localDevelopmentSecrets } from '@chucar/platform';
import { loadStackConfig, type StackConfig } from './config.ts';
import { clusterIsHealthy, galeraNode, readGaleraCluster, startGaleraCluster, stopGaleraCluster, type GaleraNodeReport } from './galera.ts';
import { bootstrapPrimary, ensureReplicaFollows, ensureReplication, readReplication, startMariadb, stopMariadb, type ReplicationReport } from './mariadb.ts';
import { portAnswers } from './processes.ts';
import { redisPings, startRedis, stopRedis } from './redis.ts';
import { s3Answers, startS3, startS3Mirror, stopS3, stopS3Mirror } from './s3.ts';

export interface ServerStatus {
  name: string;
  host: string;
  port: number;
  answering: boolean;
}

export interface StackStatus {
  stateDir: string;
  servers: ServerStatus[];
  replication: ReplicationReport | null;
  /** The Galera nodes in order, each with its wsrep state (null when it does not answer). */
  galera: GaleraNodeReport[];
  /** The statistics replica's replication from a Galera node. */
  statisticsReplication: ReplicationReport | null;
  healthy: boolean;
}

export type Progress = (line: string) => void;

/** Brings every server up (idempotent) and waits until each answers and the replica caught up. */
export async function stackUp(config: StackConfig = loadStackConfig(), progress: Progress = () => {}): Promise<void> {
  fs.mkdirSync(config.stateDir, { recursive: true });
  progress(`MariaDB primary :${config.DB_PRIMARY_PORT} ${await startMariadb(config, 'primary')}`);
  await bootstrapPrimary(config);
  progress(`MariaDB replica :${config.DB_REPLICA_PORT} ${await startMariadb(config, 'replica')}`);
  await ensureReplication(config);
  progress('replication running (GTID, slave_pos), replica caught up');
  await startGaleraCluster(config, progress);
  progress(`MariaDB statistics replica :${config.DB_STATISTICS_PORT} ${await startMariadb(config, 'statistics')}`);
  const firstNode = galeraNode(config, 1);
  await ensureReplicaFollows(config, 'statistics', { port: firstNode.sqlPort, socket: firstNode.socket });
  progress(`statistics replica replicating (GTID, slave_pos), caught up`);
  progress(`Redis :${config.REDIS_PORT} ${await startRedis(config)}`);
  progress(`S3 (s3rver) :${config.S3_PORT} ${await startS3(config)}`);
  progress(`S3 mirror (s3rver) :${config.S3_MIRROR_PORT} ${await startS3Mirror(config)}`);
}

export async function stackDown(config: StackConfig = loadStackConfig(), purge = false): Promise<void> {
  // Replicas first, so they do not log a lost source while going down.
  await stopMariadb(config, 'statistics');
  await stopGaleraCluster(config);
  await stopMariadb(config, 'replica');
  await stopMariadb(config, 'primary');
  await stopRedis(config);
  await stopS3(config);
  await stopS3Mirror(config);
  if (purge) fs.rmSync(config.stateDir, { recursive: true, force: true });
}

export async function stackStatus(config: StackConfig = loadStackConfig()): Promise<StackStatus> {
  const host = '127.0.0.1';
  const [primary, replica, statistics, redis, s3, s3Mirror, replication, galera, statisticsReplication] = await Promise.all([
    portAnswers(config.DB_PRIMARY_PORT),
    portAnswers(config.DB_REPLICA_PORT),
    portAnswers(config.DB_STATISTICS_PORT),
    redisPings(config.REDIS_PORT),
    s3Answers(config.S3_PORT),
    s3Answers(config.S3_MIRROR_PORT),
    readReplication(config),
    readGaleraCluster(config),
    readReplication(config, 'statistics'),
  ]);
  const servers: ServerStatus[] = [
    { name: 'mariadb-primary', host, port: config.DB_PRIMARY_PORT, answering: primary },
    { name: 'mariadb-replica', host, port: config.DB_REPLICA_PORT, answering: replica },
    ...galera.map((node) => ({ name: `mariadb-${node.name}`, host: node.host, port: node.port, answering: node.answering })),
    { name: 'mariadb-statistics', host, port: config.DB_STATISTICS_PORT, answering: statistics },
    { name: 'redis', host, port: config.REDIS_PORT, answering: redis },
    { name: 's3', host, port: config.S3_PORT, answering: s3 },
    { name: 's3-mirror', host, port: config.S3_MIRROR_PORT, answering: s3Mirror },
  ];
  const healthy = servers.every((server) => server.answering) && replication?.running === true && clusterIsHealthy(galera) && statisticsReplication?.running === true;
  return { stateDir: config.stateDir, servers, replication, galera, statisticsReplication, healthy };
}

export function connectionHelp(config: StackConfig): string {
  const admin = `-u${config.DB_ADMIN_USER} -p${config.DB_ADMIN_PASSWORD}`;
  return [
    'Local stack is up (loopback only). Connect with:',
    `  primary   mariadb -h127.0.0.1 -P${config.DB_PRIMARY_PORT} ${admin} ${config.DB_NAME}   (the integration tests' single primary; npm start's services do not use it)`,
    `  replica   mariadb -h127.0.0.1 -P${config.DB_REPLICA_PORT} ${admin} ${config.DB_NAME}   (read_only replica of the primary; reporter: -u${config.DB_REPORTER_USER})`,
    `  galera    mariadb -h127.0.0.1 -P${config.DB_GALERA_PORTS[0]} ${admin} ${config.DB_NAME}   (nodes on ${config.DB_GALERA_PORTS.join(', ')}; any node takes writes; npm start's live tier)`,
    `  stats     mariadb -h127.0.0.1 -P${config.DB_STATISTICS_PORT} ${admin} ${config.DB_NAME}   (read_only replica of a Galera node; npm start's reporter reads it)`,
    `  redis     redis-cli -p ${config.REDIS_PORT}`,
    `  s3        http://127.0.0.1:${config.S3_PORT}  buckets ${config.S3_BUCKET}, ${config.S3_MIRROR_BUCKET}  (key ${localDevelopmentSecrets.s3AccessKeyId} / ${localDevelopmentSecrets.s3SecretAccessKey})`,
    `  mirror    http://127.0.0.1:${config.S3_MIRROR_PORT}  bucket ${config.S3_MIRROR_BUCKET}, its own s3rver and data (media: MEDIA_MIRROR_BUCKET=${config.S3_MIRROR_BUCKET} MEDIA_MIRROR_ENDPOINT=http://127.0.0.1:${config.S3_MIRROR_PORT})`,
    `  state     ${config.stateDir}`,
  ].join('\n');
}
