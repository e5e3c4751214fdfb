/**
 * The baseline for the gateway benchmark: bare fastify + mysql2 pools on the same read servers as
 * the gateway (the replica, or the Galera nodes other than the writer, taken in turn), as many
 * connections per server, replaying the exact SQL statements the gateway's repositories send for
 * the same two reads and answering the same JSON (the bench checks the bodies are equal).
 * No auth, validation, logging, metrics, rate limiting or read routing.
 * Usage: bare-server.ts <port> <json: BareServerSettings>
 */
import Fastify from 'fastify';
import mysql, { type Pool, type RowDataPacket } from 'mysql2';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** One read's three statements, as the repository sends them: the request rows, then their options and attachments in parallel. */
export interface ReadStatements {
  requests: Statement;
  options: Statement;
  attachments: Statement;
}

export interface BareServerSettings {
  servers: { host: string; port: number }[];
  user: string;
  password: string;
  database: string;
  poolSize: number;
  /** byId: one request; list: a page of requests (limit + 1 rows). */
  routes: Record<'byId' | 'list', ReadStatements>;
}

/** The page size the gateway's list is called with in the bench. */
const pageLimit = 20;

/** A quote request as the gateway answers it: the same fields in the same order. */
function quoteRequestOf(row: RowDataPacket, options: RowDataPacket[], attachments: RowDataPacket[], now: number) {
  const id = Number(row['id']);
  const expiresAt = row['expires_at'] as Date;
  return {
    id,
    customerId: Number(row['customer_id']),
    makerId: Number(row['maker_id']),
    modelId: Number(row['model_id']),
    trimId: Number(row['trim_id']),
    region: row['region'] as string,
    purchaseTiming: row['purchase_timing'] as string,
    paymentMethod: row['payment_method'] as string,
    note: row['note'] as string | null,
    options: options.filter((option) => Number(option['request_id']) === id).map((option) => ({ code: option['option_code'] as string, name: option['option_name'] as string, priceKrw: Number(option['price_krw']) })),
    attachmentIds: attachments.filter((attachment) => Number(attachment['request_id']) === id).map((attachment) => attachment['media_id'] as string),
    listPriceKrw: Number(row['list_price_krw']),
    status: row['status'] === 'open' && expiresAt.getTime() <= now ? 'expired' : (row['status'] as string),
    expiresAt,
    acceptedQuoteId: row['accepted_quote_id'] === null ? null : Number(row['accepted_quote_id']),
    closedAt: row['closed_at'] as Date | null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
  };
}

function cursorAfter(row: RowDataPacket): string {
  return Buffer.from(JSON.stringify([1, (row['created_at'] as Date).getTime(), Number(row['id'])]), 'utf8').toString('base64url');
}

const [listenPort, settingsJson] = process.argv.slice(2);
const settings = JSON.parse(settingsJson!) as BareServerSettings;
const pools = settings.servers.map((server) =>
  mysql.createPool({ host: server.host, port: server.port, user: settings.user, password: settings.password, database: settings.database, connectionLimit: settings.poolSize, timezone: 'Z', supportBigNumbers: true, decimalNumbers: true }),
);
let turn = 0;

/** The callback API wrapped by hand: mysql2/promise captures a stack trace per query (about 40 µs here), which the gateway's Kysely driver does not pay either. */
function query(pool: Pool, statement: Statement): Promise<RowDataPacket[]> {
  return new Promise((resolve, reject) => pool.query<RowDataPacket[]>(statement.sql, statement.params, (error, rows) => (error ? reject(error) : resolve(rows))));
}
const app = Fastify({ logger: false });

/** As the repository does: the request rows, then their options and attachments in parallel, all on one server. */
async function replay(statements: ReadStatements): Promise<{ rows: RowDataPacket[]; options: RowDataPacket[]; attachments: RowDataPacket[] }> {
  const pool = pools[turn++ % pools.length]!;
  const rows = await query(pool, statements.requests);
  const [options, attachments] = await Promise.all([query(pool, statements.options), query(pool, statements.attachments)]);
  return { rows, options, attachments };
}

app.get('/byId', async (_request, reply) => {
  const { rows, options, attachments } = await replay(settings.routes.byId);
  if (!rows[0]) return reply.code(404).send();
  return quoteRequestOf(rows[0], options, attachments, Date.now());
});

app.get('/list', async () => {
  const { rows, options, attachments } = await replay(settings.routes.list);
  const now = Date.now();
  const page = rows.slice(0, pageLimit);
  return { items: page.map((row) => quoteRequestOf(row, options, attachments, now)), nextCursor: rows.length > pageLimit ? cursorAfter(page.at(-1)!) : null };
});

// The same figures the gateway exports on /metrics, for the memory rows.
app.get('/memory', async () => process.memoryUsage());

await app.listen({ host: '127.0.0.1', port: Number(listenPort) });
process.once('SIGTERM', () => void app.close().then(() => Promise.all(pools.map((pool) => pool.end()))).finally(() => process.exit(0)));
