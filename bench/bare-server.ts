/**
 * The baseline for the gateway benchmark: bare fastify + a mysql2 pool on the replica, replaying
 * the exact SQL statements the gateway's repositories send for the same two reads. No auth,
 * validation, logging, metrics, rate limiting or read routing.
 * Usage: bare-server.ts <port> <json: { host, port, user, password, database, routes: { name: [{ sql, params }] } }>
 */
import Fastify from 'fastify';
import mysql from 'mysql2/promise';

interface Statement {
  sql: string;
  params: unknown[];
}
interface Settings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  routes: Record<string, Statement[]>;
}

const [listenPort, settingsJson] = process.argv.slice(2);
const settings = JSON.parse(settingsJson!) as Settings;
const pool = mysql.createPool({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database, connectionLimit: 10, timezone: 'Z' });
const app = Fastify({ logger: false });

for (const [name, statements] of Object.entries(settings.routes)) {
  app.get(`/${name}`, async () => {
    // The repositories run the first statement, then the rest in parallel (options, attachments).
    const [first, ...rest] = statements;
    const [rows] = await pool.query(first!.sql, first!.params);
    const extra = await Promise.all(rest.map((statement) => pool.query(statement.sql, statement.params).then(([result]) => result)));
    return { rows, extra };
  });
}

// The same figures the gateway exports on /metrics, for the memory rows.
app.get('/memory', async () => process.memoryUsage());

await app.listen({ host: '127.0.0.1', port: Number(listenPort) });
process.once('SIGTERM', () => void app.close().then(() => pool.end()).finally(() => process.exit(0)));
