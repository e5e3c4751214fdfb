import { describe, expect, it } from 'vitest';
import { StackServerWatchPolicy, type ServerProcessState, type StackServersSeen } from './stack-server-watch-policy.ts';

function seen(galera: ServerProcessState[], statistics: ServerProcessState = 'running'): StackServersSeen {
  return {
    galera: galera.map((state, index) => ({ name: `mariadb-galera-${index + 1}`, state })),
    statistics: { name: 'mariadb-statistics', state: statistics },
  };
}

describe('StackServerWatchPolicy', () => {
  it('does nothing while every server runs', () => {
    expect(new StackServerWatchPolicy().decide(seen(['running', 'running', 'running']), 0)).toEqual([]);
  });

  it('restarts a crashed Galera node while the other two run', () => {
    expect(new StackServerWatchPolicy().decide(seen(['running', 'crashed', 'running']), 0)).toEqual([{ kind: 'restart-galera-node', name: 'mariadb-galera-2' }]);
  });

  it('restarts one node at a time, the first in order', () => {
    const policy = new StackServerWatchPolicy();
    // Five nodes, two crashed: three still run, so the cluster keeps quorum.
    const five = seen(['running', 'crashed', 'running', 'crashed', 'running']);
    expect(policy.decide(five, 0)).toEqual([{ kind: 'restart-galera-node', name: 'mariadb-galera-2' }]);
  });

  it('never restarts a node when two of three are down, and reports the quorum loss once', () => {
    const policy = new StackServerWatchPolicy();
    const lost = seen(['running', 'crashed', 'crashed']);
    expect(policy.decide(lost, 0)).toEqual([{ kind: 'quorum-lost', running: ['mariadb-galera-1'], crashed: ['mariadb-galera-2', 'mariadb-galera-3'] }]);
    expect(policy.decide(lost, 2000)).toEqual([]);
    expect(policy.decide(lost, 600_000)).toEqual([]);
  });

  it('does not restart the last crashed node after a person brought one back by hand, until quorum holds by majority', () => {
    const policy = new StackServerWatchPolicy();
    expect(policy.decide(seen(['crashed', 'crashed', 'crashed']), 0)).toEqual([{ kind: 'quorum-lost', running: [], crashed: ['mariadb-galera-1', 'mariadb-galera-2', 'mariadb-galera-3'] }]);
    // db:bootstrap brought galera-1 back: one of three is still no majority.
    expect(policy.decide(seen(['running', 'crashed', 'crashed']), 2000)).toEqual([]);
    // It brought galera-2 back too: the majority runs again, and the watcher finishes the job.
    expect(policy.decide(seen(['running', 'running', 'crashed']), 4000)).toEqual([{ kind: 'restart-galera-node', name: 'mariadb-galera-3' }]);
  });

  it('reports a new quorum loss after the cluster was whole again', () => {
    const policy = new StackServerWatchPolicy();
    expect(policy.decide(seen(['running', 'crashed', 'crashed']), 0)).toHaveLength(1);
    expect(policy.decide(seen(['running', 'running', 'running']), 1000)).toEqual([]);
    expect(policy.decide(seen(['crashed', 'crashed', 'running']), 2000)).toEqual([{ kind: 'quorum-lost', running: ['mariadb-galera-3'], crashed: ['mariadb-galera-1', 'mariadb-galera-2'] }]);
  });

  it('leaves a cleanly stopped cluster alone without a word (npm run stack:down)', () => {
    const policy = new StackServerWatchPolicy();
    expect(policy.decide(seen(['stopped', 'stopped', 'stopped'], 'stopped'), 0)).toEqual([]);
    // stack:down stops the nodes one by one: the first gone is not restarted.
    expect(policy.decide(seen(['running', 'running', 'stopped'], 'stopped'), 0)).toEqual([{ kind: 'left-stopped', name: 'mariadb-galera-3' }]);
    expect(policy.decide(seen(['running', 'running', 'stopped'], 'stopped'), 2000)).toEqual([]);
  });

  it('waits before trying again after a restart failed, and not after one succeeded', () => {
    const policy = new StackServerWatchPolicy({ retryAfterFailureMs: 30_000 });
    const oneDown = seen(['running', 'running', 'crashed']);
    policy.restartFailed('mariadb-galera-3', 0);
    expect(policy.decide(oneDown, 29_999)).toEqual([]);
    expect(policy.decide(oneDown, 30_000)).toEqual([{ kind: 'restart-galera-node', name: 'mariadb-galera-3' }]);
    policy.restartFailed('mariadb-galera-3', 30_000);
    policy.restartSucceeded('mariadb-galera-3');
    expect(policy.decide(oneDown, 30_001)).toEqual([{ kind: 'restart-galera-node', name: 'mariadb-galera-3' }]);
  });

  it('restarts a crashed statistics replica whatever the cluster does, and leaves a stopped one alone', () => {
    const policy = new StackServerWatchPolicy();
    expect(policy.decide(seen(['running', 'running', 'running'], 'crashed'), 0)).toEqual([{ kind: 'restart-statistics-replica', name: 'mariadb-statistics' }]);
    expect(policy.decide(seen(['running', 'crashed', 'crashed'], 'crashed'), 0)).toContainEqual({ kind: 'restart-statistics-replica', name: 'mariadb-statistics' });
    expect(policy.decide(seen(['running', 'running', 'running'], 'stopped'), 0)).toEqual([]);
  });
});
