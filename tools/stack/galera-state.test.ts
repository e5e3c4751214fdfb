import { describe, expect, it } from 'vitest';
import {
  chooseMostAdvancedNode,
  galeraDefaultsFile,
  galeraNodeLayout,
  galeraRecoveryArguments,
  galeraServerArguments,
  markNotSafeToBootstrap,
  markSafeToBootstrap,
  parseGrastate,
  parseRecoveredPosition,
  stateTransferIn,
  type NodeProgress,
} from './galera-state.ts';

const nodes = galeraNodeLayout({ sqlPorts: [3311, 3312, 3313], groupBasePort: 4567, stateDir: '/srv/stack', socketPath: (home) => `${home}/mariadbd.sock` });

describe('galeraNodeLayout', () => {
  it('gives node i the group port base+i-1, IST +100 and SST +200, and a folder of its own', () => {
    expect(nodes.map((node) => [node.name, node.sqlPort, node.groupPort, node.istPort, node.sstPort])).toEqual([
      ['galera-1', 3311, 4567, 4667, 4767],
      ['galera-2', 3312, 4568, 4668, 4768],
      ['galera-3', 3313, 4569, 4669, 4769],
    ]);
    expect(nodes[1]).toMatchObject({ home: '/srv/stack/galera-2', dataDir: '/srv/stack/galera-2/data', defaultsFile: '/srv/stack/galera-2/my.cnf', socket: '/srv/stack/galera-2/mariadbd.sock' });
  });
});

describe('galeraDefaultsFile', () => {
  const file = galeraDefaultsFile(nodes[1]!, nodes);
  const option = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(file)?.[1];

  it('lists every node in the cluster address and binds group, IST and SST to loopback on its own ports', () => {
    expect(option('wsrep-cluster-address')).toBe('gcomm://127.0.0.1:4567,127.0.0.1:4568,127.0.0.1:4569');
    expect(option('wsrep-provider-options')).toContain('gmcast.listen_addr=tcp://127.0.0.1:4568;ist.recv_addr=127.0.0.1:4668;');
    expect(option('wsrep-sst-receive-address')).toBe('127.0.0.1:4768');
    expect(option('port')).toBe('3312');
    expect(option('bind-address')).toBe('127.0.0.1');
  });

  it('behind relays: listens on its own host, lists the peers at their relays on 127.0.0.1 and leaves itself out', () => {
    const relayed = galeraNodeLayout({ sqlPorts: [3311, 3312, 3313], groupBasePort: 4567, stateDir: '/srv/stack', socketPath: (home) => `${home}/mariadbd.sock`, groupListenHost: (index) => `127.0.1.${index}` });
    const relayedFile = galeraDefaultsFile(relayed[1]!, relayed);
    expect(/^wsrep-cluster-address=(.*)$/m.exec(relayedFile)?.[1]).toBe('gcomm://127.0.0.1:4567,127.0.0.1:4569');
    expect(relayedFile).toContain('gmcast.listen_addr=tcp://127.0.1.2:4568;ist.recv_addr=127.0.0.1:4668;');
  });

  it('shares server id and GTID domain across nodes, with a local domain of its own, and keeps SST logs in the node folder', () => {
    const first = galeraDefaultsFile(nodes[0]!, nodes);
    expect(option('server-id')).toBe(/^server-id=(.*)$/m.exec(first)?.[1]);
    expect(option('wsrep-gtid-domain-id')).toBe(/^wsrep-gtid-domain-id=(.*)$/m.exec(first)?.[1]);
    expect(option('gtid-domain-id')).not.toBe(/^gtid-domain-id=(.*)$/m.exec(first)?.[1]);
    expect(file).toMatch(/^\[sst\]\nsst-log-archive-dir=\/srv\/stack\/galera-2\/sst-logs$/m);
    expect(option('wsrep-sst-method')).toBe('mariabackup');
    expect(option('log-slave-updates')).toBe('ON');
    expect(option('binlog-format')).toBe('ROW');
    expect(option('innodb-autoinc-lock-mode')).toBe('2');
  });

  it('suspects a silent node after 2 s, keeping the timeouts Galera requires consistent', () => {
    const options = Object.fromEntries(option('wsrep-provider-options')!.replace(/"/g, '').split(';').map((pair) => pair.split('=') as [string, string]));
    expect(options).toMatchObject({ 'evs.suspect_timeout': 'PT2S', 'evs.inactive_timeout': 'PT4S', 'evs.keepalive_period': 'PT0.5S' });
  });
});

describe('server arguments', () => {
  it('starts with the option file first, then a new cluster or a recovered position', () => {
    expect(galeraServerArguments(nodes[0]!)).toEqual(['--defaults-file=/srv/stack/galera-1/my.cnf']);
    expect(galeraServerArguments(nodes[0]!, { newCluster: true, startPosition: 'abc:5' })).toEqual([
      '--defaults-file=/srv/stack/galera-1/my.cnf',
      '--wsrep-new-cluster',
      '--wsrep_start_position=abc:5',
    ]);
    expect(galeraRecoveryArguments(nodes[2]!)).toEqual(['--defaults-file=/srv/stack/galera-3/my.cnf', '--wsrep-recover', '--log-error=/srv/stack/galera-3/wsrep-recover.log']);
  });
});

const uuid = '20938cc7-f117-11f1-9e30-fb52bd495d6a';

describe('grastate.dat', () => {
  const crashed = `# GALERA saved state\nversion: 2.1\nuuid:    ${uuid}\nseqno:   -1\nsafe_to_bootstrap: 0\n`;

  it('reads uuid, seqno and safe_to_bootstrap', () => {
    expect(parseGrastate(crashed)).toEqual({ uuid, seqno: -1, safeToBootstrap: false });
    expect(parseGrastate(crashed.replace('seqno:   -1', 'seqno:   45').replace('safe_to_bootstrap: 0', 'safe_to_bootstrap: 1'))).toEqual({ uuid, seqno: 45, safeToBootstrap: true });
  });

  it('is null for text that is not one', () => {
    expect(parseGrastate('')).toBeNull();
    expect(parseGrastate(`uuid: ${uuid}\nseqno: many\n`)).toBeNull();
  });

  it('marks a node safe or not safe to bootstrap, keeping the rest', () => {
    expect(parseGrastate(markSafeToBootstrap(crashed))).toEqual({ uuid, seqno: -1, safeToBootstrap: true });
    expect(markNotSafeToBootstrap(markSafeToBootstrap(crashed))).toBe(crashed);
    expect(markSafeToBootstrap(`uuid: ${uuid}\nseqno: 3`)).toBe(`uuid: ${uuid}\nseqno: 3\nsafe_to_bootstrap: 1\n`);
  });
});

describe('parseRecoveredPosition', () => {
  it('takes the last position a --wsrep-recover run logged, with its GTID if the server printed one', () => {
    const log = [
      '2026-12-06  1:50:44 0 [Note] InnoDB: Starting shutdown...',
      `2026-12-06  1:50:44 0 [Note] WSREP: Recovered position: ${uuid}:40`,
      `2026-12-06  1:50:45 0 [Note] WSREP: Recovered position: ${uuid}:41,10-10-33`,
    ].join('\n');
    expect(parseRecoveredPosition(log)).toEqual({ position: `${uuid}:41,10-10-33`, uuid, seqno: 41 });
  });

  it('reports a node that never committed as seqno -1, and a log without the line as null', () => {
    expect(parseRecoveredPosition('[Note] WSREP: Recovered position: 00000000-0000-0000-0000-000000000000:-1')?.seqno).toBe(-1);
    expect(parseRecoveredPosition('[ERROR] Aborting')).toBeNull();
  });
});

describe('stateTransferIn', () => {
  it('tells a full SST (which ends with a short IST) from an IST through the mariabackup script', () => {
    expect(stateTransferIn("WSREP_SST: [INFO] Proceeding with SST\n[Note] WSREP: SST received\n[Note] WSREP: IST received: x:45")).toBe('SST');
    expect(stateTransferIn("WSREP_SST: [INFO] 'xtrabackup_ist' received from donor: Running IST\n[Note] WSREP: SST received")).toBe('IST');
    expect(stateTransferIn('[Note] WSREP: Synchronized with group, ready for connections')).toBe('none');
  });
});

describe('chooseMostAdvancedNode', () => {
  const node = (name: string, overrides: Partial<NodeProgress>): NodeProgress => ({ name, running: false, seqno: null, seqnoSource: 'recovered', safeToBootstrap: false, ...overrides });

  it('picks the highest seqno, whatever its source', () => {
    const choice = chooseMostAdvancedNode([
      node('galera-1', { seqno: 40, seqnoSource: 'grastate.dat' }),
      node('galera-2', { seqno: 52 }),
      node('galera-3', { running: true, seqno: 47, seqnoSource: 'wsrep_last_committed' }),
    ]);
    expect(choice.node.name).toBe('galera-2');
    expect(choice.reason).toBe('highest seqno 52 (recovered); others: galera-1 stopped, grastate.dat 40; galera-3 running, wsrep_last_committed 47');
  });

  it('prefers a running survivor among equals: it needs no restart', () => {
    const choice = chooseMostAdvancedNode([node('galera-1', { seqno: 40 }), node('galera-2', { running: true, seqno: 40, seqnoSource: 'wsrep_last_committed' })]);
    expect(choice.node.name).toBe('galera-2');
    expect(choice.reason).toMatch(/^highest seqno 40 \(wsrep_last_committed\), tied with galera-1; running, so no restart is needed/);
  });

  it('takes the first in order among stopped equals', () => {
    const choice = chooseMostAdvancedNode([node('galera-1', { seqno: 7 }), node('galera-2', { seqno: 9 }), node('galera-3', { seqno: 9 })]);
    expect(choice.node.name).toBe('galera-2');
    expect(choice.reason).toMatch(/^highest seqno 9 \(recovered\), tied with galera-3; first in order; others: galera-1 stopped, recovered 7; galera-3 stopped, recovered 9$/);
  });

  it('with every node stopped, trusts the one that left cleanly last (safe_to_bootstrap)', () => {
    const choice = chooseMostAdvancedNode([node('galera-1', { seqno: 30, safeToBootstrap: true, seqnoSource: 'grastate.dat' }), node('galera-2', { seqno: 29, seqnoSource: 'grastate.dat' })]);
    expect(choice.node.name).toBe('galera-1');
    expect(choice.reason).toMatch(/^it left the cluster last and cleanly \(safe_to_bootstrap: 1 in grastate\.dat\)/);
  });

  it('ignores nodes that know no position, and refuses when none does', () => {
    expect(chooseMostAdvancedNode([node('galera-1', { seqno: -1 }), node('galera-2', { seqno: 3 })]).node.name).toBe('galera-2');
    expect(() => chooseMostAdvancedNode([node('galera-1', { seqno: -1 }), node('galera-2', {})])).toThrow(/cannot tell which node is most advanced/);
  });
});
