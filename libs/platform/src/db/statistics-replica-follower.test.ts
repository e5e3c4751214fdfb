import { describe, expect, it } from 'vitest';
import { parseGtidList, type ReplicaSourceStatus } from './mariadb-dialect.ts';
import { decideReplicaSource, describeDecision, parseNodeAddress, type FollowerObservation, type NodeObservation, type SourceWatch } from './statistics-replica-follower.ts';

const settings = { graceMs: 5000 };
const node1 = { host: '127.0.0.1', port: 3311 };
const node2 = { host: '127.0.0.1', port: 3312 };
const node3 = { host: '127.0.0.1', port: 3313 };

/** A synced node of the primary component whose binlog holds domain 1 from its first transaction. */
function servingNode(node: { host: string; port: number }, overrides: Partial<NodeObservation> = {}): NodeObservation {
  return {
    node,
    serving: true,
    state: 'Synced, Primary',
    reach: { oldestFile: 'node.000001', oldestFileGtidList: [], firstGtidsInOldestFile: parseGtidList('1-1-1'), binlogState: parseGtidList('1-1-500') },
    error: null,
    ...overrides,
  };
}

function goneNode(node: { host: string; port: number }): NodeObservation {
  return { node, serving: false, state: 'unknown', reach: null, error: 'connect ECONNREFUSED' };
}

function replicaOf(source: { host: string; port: number }, overrides: Partial<ReplicaSourceStatus> = {}): ReplicaSourceStatus {
  return { sourceHost: source.host, sourcePort: source.port, ioState: 'running', sqlRunning: true, usesGtid: true, lastIoErrno: 0, lastIoError: null, lastSqlErrno: 0, lastSqlError: null, ...overrides };
}

const cannotConnect = { ioState: 'connecting', lastIoErrno: 2003, lastIoError: "Can't connect to server on '127.0.0.1' (111)" } as const;

function observation(overrides: Partial<FollowerObservation> = {}): FollowerObservation {
  return { at: 100_000, replicaReadOnly: true, replica: replicaOf(node1), position: parseGtidList('1-1-480'), nodes: [servingNode(node1), servingNode(node2), servingNode(node3)], unlistedSource: null, ...overrides };
}

/** The watch of a source that has failed since `sinceMs` before the default observation time. */
function failingFor(source: string, sinceMs: number): SourceWatch {
  return { source, failingSince: 100_000 - sinceMs };
}

describe('decideReplicaSource', () => {
  it('stays while the source serves the replica', () => {
    expect(decideReplicaSource(observation(), null, settings)).toEqual({ decision: { action: 'stay', source: '127.0.0.1:3311' }, watch: { source: '127.0.0.1:3311', failingSince: null } });
  });

  it('waits out a failing source for the grace period, counting from when it first failed', () => {
    const failing = observation({ replica: replicaOf(node1, cannotConnect), nodes: [goneNode(node1), servingNode(node2), servingNode(node3)] });
    const first = decideReplicaSource(failing, { source: '127.0.0.1:3311', failingSince: null }, settings);
    expect(first).toMatchObject({ decision: { action: 'wait', failingForMs: 0, problem: expect.stringMatching(/cannot connect to its source \(2003: /) }, watch: { failingSince: 100_000 } });
    const later = decideReplicaSource({ ...failing, at: 104_999 }, first.watch, settings);
    expect(later.decision).toMatchObject({ action: 'wait', failingForMs: 4999 });
  });

  it('repoints to the next node in the configured order once the source has failed for the grace period', () => {
    const failing = observation({ replica: replicaOf(node1, cannotConnect), nodes: [goneNode(node1), servingNode(node2), servingNode(node3)] });
    const { decision } = decideReplicaSource(failing, failingFor('127.0.0.1:3311', 5000), settings);
    expect(decision).toEqual({ action: 'repoint', source: '127.0.0.1:3311', problem: expect.any(String), to: node2, rejected: [] });
    expect(describeDecision(decision)).toMatch(/^repointing from 127\.0\.0\.1:3311 to 127\.0\.0\.1:3312: the replica cannot connect/);

    // The order is the configured one, not the port's: node 3 listed first is taken first.
    const reordered = decideReplicaSource({ ...failing, nodes: [goneNode(node1), servingNode(node3), servingNode(node2)] }, failingFor('127.0.0.1:3311', 5000), settings);
    expect(reordered.decision).toMatchObject({ action: 'repoint', to: node3 });
  });

  it('counts a source that answers the replica but left the synced primary component as gone', () => {
    const desynced = observation({ nodes: [servingNode(node1, { serving: false, state: 'Donor/Desynced, Primary' }), servingNode(node2), servingNode(node3)] });
    expect(decideReplicaSource(desynced, failingFor('127.0.0.1:3311', 6000), settings).decision).toMatchObject({
      action: 'repoint',
      to: node2,
      problem: 'the source is not a synced node of the primary component (Donor/Desynced, Primary)',
    });
    // A source the follower cannot reach is gone too, even while the replica's IO thread has not noticed yet (a hung host).
    const hung = observation({ nodes: [goneNode(node1), servingNode(node2), servingNode(node3)] });
    expect(decideReplicaSource(hung, failingFor('127.0.0.1:3311', 6000), settings).decision).toMatchObject({ action: 'repoint', to: node2, problem: expect.stringMatching(/^the source does not answer/) });
  });

  it('passes over a node whose binlog no longer covers the replica’s position, and one that is not serving', () => {
    const freshBinlog = servingNode(node2, { reach: { oldestFile: 'node2.000001', oldestFileGtidList: [], firstGtidsInOldestFile: parseGtidList('1-1-490'), binlogState: parseGtidList('1-1-500') } });
    const failing = observation({ replica: replicaOf(node1, cannotConnect), nodes: [goneNode(node1), freshBinlog, servingNode(node3)] });
    const { decision } = decideReplicaSource(failing, failingFor('127.0.0.1:3311', 5000), settings);
    expect(decision).toMatchObject({ action: 'repoint', to: node3, rejected: [{ node: '127.0.0.1:3312', reason: expect.stringMatching(/starts domain 1 at 1-1-490/) }] });

    const joining = servingNode(node3, { serving: false, state: 'Joining, Primary' });
    expect(decideReplicaSource({ ...failing, nodes: [goneNode(node1), servingNode(node2), joining] }, failingFor('127.0.0.1:3311', 5000), settings).decision).toMatchObject({ action: 'repoint', to: node2 });
  });

  it('is blocked, and changes nothing, when no node covers the position', () => {
    const purged = { oldestFile: 'node.000007', oldestFileGtidList: parseGtidList('1-1-470'), firstGtidsInOldestFile: parseGtidList('1-1-471'), binlogState: parseGtidList('1-1-500') };
    const failing = observation({
      replica: replicaOf(node1, cannotConnect),
      position: parseGtidList('1-1-460'),
      nodes: [goneNode(node1), servingNode(node2, { reach: purged }), servingNode(node3, { serving: false, state: 'Synced, non-Primary' })],
    });
    const { decision } = decideReplicaSource(failing, failingFor('127.0.0.1:3311', 30_000), settings);
    expect(decision).toEqual({
      action: 'blocked',
      source: '127.0.0.1:3311',
      problem: expect.any(String),
      rejected: [
        { node: '127.0.0.1:3312', reason: expect.stringMatching(/starts after 1-1-470, the replica is at 1-1-460/) },
        { node: '127.0.0.1:3313', reason: 'not a synced node of the primary component (Synced, non-Primary)' },
      ],
    });
    expect(describeDecision(decision)).toMatch(/^cannot repoint the statistics replica from 127\.0\.0\.1:3311 .*re-seed the replica/);
  });

  it('is blocked when the failing source is the only configured node', () => {
    const failing = observation({ replica: replicaOf(node1, cannotConnect), nodes: [goneNode(node1)] });
    const { decision } = decideReplicaSource(failing, failingFor('127.0.0.1:3311', 5000), settings);
    expect(decision).toMatchObject({ action: 'blocked', rejected: [] });
    expect(describeDecision(decision)).toMatch(/no other node is configured/);
  });

  it('judges a source that is not a configured node (a proxy in front of one) by its own probe, and may leave it for any listed node', () => {
    const proxy = { host: '127.0.0.1', port: 41000 };
    const failing = observation({ replica: replicaOf(proxy), unlistedSource: goneNode(proxy) });
    expect(decideReplicaSource(failing, failingFor('127.0.0.1:41000', 5000), settings).decision).toMatchObject({ action: 'repoint', source: '127.0.0.1:41000', to: node1 });
    expect(decideReplicaSource({ ...failing, unlistedSource: servingNode(proxy) }, null, settings).decision).toEqual({ action: 'stay', source: '127.0.0.1:41000' });
  });

  it('does not repoint again once the repoint is done: the new source gets its own grace period, and then stays', () => {
    const failing = observation({ replica: replicaOf(node1, cannotConnect), nodes: [goneNode(node1), servingNode(node2), servingNode(node3)] });
    const repoint = decideReplicaSource(failing, failingFor('127.0.0.1:3311', 5000), settings);
    expect(repoint.decision).toMatchObject({ action: 'repoint', to: node2 });

    // Right after CHANGE MASTER the IO thread is still connecting to node 2: a new source, a new grace period.
    const connecting = decideReplicaSource({ ...failing, at: 101_000, replica: replicaOf(node2, { ioState: 'connecting', lastIoErrno: 0 }) }, repoint.watch, settings);
    expect(connecting).toMatchObject({ decision: { action: 'wait', source: '127.0.0.1:3312', failingForMs: 0 }, watch: { source: '127.0.0.1:3312', failingSince: 101_000 } });

    const running = decideReplicaSource({ ...failing, at: 102_000, replica: replicaOf(node2) }, connecting.watch, settings);
    expect(running.decision).toEqual({ action: 'stay', source: '127.0.0.1:3312' });
    // The same observation again decides the same.
    expect(decideReplicaSource({ ...failing, at: 102_000, replica: replicaOf(node2) }, running.watch, settings)).toEqual(running);
  });

  it('leaves alone a replica that is writable, not configured, not on GTID, stopped by hand, or stopped by an SQL error', () => {
    const writableAndFailing = observation({ replicaReadOnly: false, replica: replicaOf(node1, cannotConnect), nodes: [goneNode(node1), servingNode(node2)] });
    expect(decideReplicaSource(writableAndFailing, failingFor('127.0.0.1:3311', 60_000), settings).decision).toMatchObject({ action: 'hands-off', reason: expect.stringMatching(/not read_only/) });
    expect(decideReplicaSource(observation({ replica: null }), null, settings).decision).toMatchObject({ action: 'hands-off', source: null, reason: expect.stringMatching(/no source configured/) });
    expect(decideReplicaSource(observation({ replica: replicaOf(node1, { usesGtid: false }) }), null, settings).decision).toMatchObject({ action: 'hands-off', reason: expect.stringMatching(/by file and position/) });
    expect(decideReplicaSource(observation({ replica: replicaOf(node1, { ioState: 'stopped', sqlRunning: false }) }), null, settings).decision).toMatchObject({ action: 'hands-off', reason: expect.stringMatching(/stopped by hand/) });
    const sqlError = replicaOf(node1, { sqlRunning: false, lastSqlErrno: 1062, lastSqlError: "Duplicate entry '7' for key 'PRIMARY'" });
    expect(decideReplicaSource(observation({ replica: sqlError, nodes: [goneNode(node1), servingNode(node2)] }), failingFor('127.0.0.1:3311', 60_000), settings).decision).toMatchObject({
      action: 'hands-off',
      reason: expect.stringMatching(/SQL thread stopped with error 1062: Duplicate entry/),
    });
  });

  it('repoints when the IO thread stopped with an error (the source refused the position)', () => {
    const refused = replicaOf(node1, { ioState: 'stopped', lastIoErrno: 1236, lastIoError: 'Got fatal error 1236 from master' });
    expect(decideReplicaSource(observation({ replica: refused }), failingFor('127.0.0.1:3311', 5000), settings).decision).toMatchObject({ action: 'repoint', to: node2, problem: expect.stringMatching(/stopped with error 1236/) });
  });
});

describe('parseNodeAddress', () => {
  it('reads host:port, a bare host on the default port, and refuses anything else', () => {
    expect(parseNodeAddress('127.0.0.1:3312')).toEqual({ host: '127.0.0.1', port: 3312 });
    expect(parseNodeAddress(' galera-2 ')).toEqual({ host: 'galera-2', port: 3306 });
    expect(() => parseNodeAddress('127.0.0.1:99999')).toThrow(/not a host:port/);
    expect(() => parseNodeAddress('mysql://a:b')).toThrow(/not a host:port/);
  });
});
