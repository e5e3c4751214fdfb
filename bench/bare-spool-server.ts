/**
 * The baseline for the durable-accept rows: bare fastify taking any body as a stream, piping it to a
 * new file, fsyncing the file and its directory (a new file's name is durable only once its
 * directory is), then answering 202 with an id. No auth, hashing, type checks, database or queue:
 * the physical minimum of "accepted and safe" on this disk.
 * Usage: bare-spool-server.ts <port> <directory>
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Fastify from 'fastify';

const [listenPort, directory] = process.argv.slice(2);
if (!listenPort || !directory) {
  console.error('usage: bare-spool-server.ts <port> <directory>');
  process.exit(2);
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

app.post('/upload', async (request, reply) => {
  const id = randomUUID();
  const filePath = path.join(directory, id);
  await pipeline(request.body as NodeJS.ReadableStream, createWriteStream(filePath, { flags: 'wx' }));
  await fsyncPath(filePath);
  await fsyncPath(directory);
  return reply.code(202).send({ id });
});

await app.listen({ host: '127.0.0.1', port: Number(listenPort) });
process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
