import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from './database.ts';
import { readDecisionReasons, type ReplicaHealth } from './read-router.ts';

/** Pool connections by server and state, read live at each scrape. */
export function registerPoolMetrics(registry: Registry, pools: Record<string, Pick<Database<unknown>, 'poolUsage'>>): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by server and state',
    labelNames: ['server', 'state'] as const,
    registers: [registry],
    collect() {
      for (const [server, database] of Object.entries(pools)) {
        const usage = database.poolUsage();
        this.set({ server, state: 'open' }, usage.open);
        this.set({ server, state: 'idle' }, usage.idle);
        this.set({ server, state: 'waiting' }, usage.waiting);
      }
    },
  });
}

/** Replica lag and routing state; returns the counter the router's `onDecision` feeds. */
export function registerReadRoutingMetrics(registry: Registry, health: () => ReplicaHealth): Counter<'reason'> {
  const readDecisions = new Counter({
    name: 'gateway_read_decisions_total',
    help: 'Where reads went and why (replica, replica after GTID wait, primary because of lag/outage/timeout)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of readDecisionReasons) readDecisions.inc({ reason }, 0);
  new Gauge({
    name: 'replica_lag_seconds',
    help: 'Replica lag from the heartbeat row (-1 when unknown)',
    registers: [registry],
    collect() {
      this.set(health().lagSeconds ?? -1);
    },
  });
  new Gauge({
    name: 'replica_serving_reads',
    help: '1 while the read router sends reads to the replica',
    registers: [registry],
    collect() {
      this.set(health().state === 'healthy' ? 1 : 0);
    },
  });
  return readDecisions;
}


