/**
 * The local S3-compatible server: s3rver (npm), run as its own process by the stack.
 * Chosen because it accepts the AWS SDK v3 defaults (CRC32 checksums, aws-chunked bodies,
 * SigV4) and multipart uploads, installs from npm with the project, and keeps objects as plain
 * files, so a test can damage or delete one behind the service's back.
 */
import S3rver from 's3rver';

const [directory, port, ...buckets] = process.argv.slice(2);
if (!directory || !port) {
  console.error('usage: s3-server.ts <directory> <port> [bucket...]');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});

await server.run();
console.log(`s3rver listening on 127.0.0.1:${port}, buckets: ${buckets.join(', ')}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0));
  });
}
