/** `npm run stack:up | stack:down [-- --purge] | stack:status [-- --json]` */
import { loadStackConfig } from './config.ts';
import { connectionHelp, stackDown, stackStatus, stackUp } from './stack.ts';

const [command, ...flags] = process.argv.slice(2);

function formatLag(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? 'unknown' : `${seconds.toFixed(3)} s`;
}

async function main(): Promise<number> {
  const config = loadStackConfig();
  switch (command) {
    case 'up':
      await stackUp(config, (line) => console.log(`  ${line}`));
      console.log(connectionHelp(config));
      return 0;
    case 'down':
      await stackDown(config, flags.includes('--purge'));
      console.log(flags.includes('--purge') ? `stack stopped and ${config.stateDir} removed` : 'stack stopped (data kept; --purge removes it)');
      return 0;
    case 'status': {
      const status = await stackStatus(config);
      if (flags.includes('--json')) {
        console.log(JSON.stringify(status, null, 2));
      } else {
        for (const server of status.servers) {
          console.log(`${server.name.padEnd(19)} ${server.host}:${server.port}  ${server.answering ? 'answering' : 'DOWN'}`);
        }
        const replication = status.replication;
        console.log(
          replication
            ? `replication         ${replication.running ? 'running' : 'NOT running'} (io ${replication.ioRunning ? 'yes' : 'no'}, sql ${replication.sqlRunning ? 'yes' : 'no'}), lag ${formatLag(replication.heartbeatLagSeconds ?? replication.secondsBehindPrimary)}${replication.lastError ? `, error: ${replication.lastError}` : ''}`
            : 'replication         unknown (replica not answering)',
        );
        for (const node of status.galera) {
          const wsrep = node.wsrep;
          console.log(
            `${node.name.padEnd(19)} ${wsrep ? `${wsrep.localStateComment}, ${wsrep.clusterStatus}, cluster size ${wsrep.clusterSize}, ready ${wsrep.ready ? 'yes' : 'no'}, last committed ${wsrep.lastCommitted ?? 'unknown'}` : 'not answering'}`,
          );
        }
        const statistics = status.statisticsReplication;
        console.log(
          statistics
            ? `statistics repl.    ${statistics.running ? 'running' : 'NOT running'} from :${statistics.sourcePort ?? '?'} (io ${statistics.ioRunning ? 'yes' : 'no'}, sql ${statistics.sqlRunning ? 'yes' : 'no'}), lag ${formatLag(statistics.secondsBehindPrimary)}${statistics.lastError ? `, error: ${statistics.lastError}` : ''}`
            : 'statistics repl.    unknown (statistics replica not answering)',
        );
      }
      return status.healthy ? 0 : 1;
    }
    default:
      console.error(`unknown stack command ${JSON.stringify(command ?? '')}; use up, down [--purge] or status [--json]`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`stack ${command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
