import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { createRepositories, type Database as Schema, type WriteRunner } from '@chucar/domain';
import {
  causalReadsOn,
  claimIdempotencyKey,
  createPeriodicTask,
  deleteExpiredIdempotencyKeys,
  deriveIdempotencySecrets,
  findIdempotencyRecord,
  HttpProblem,
  idempotencyKeyHeader,
  idempotencyScope,
  idempotentReplayedHeader,
  maxIdempotencyKeyLength,
  openAnswer,
  parseIdempotencyKey,
  problemBody,
  problemContentType,
  readAppliedGtids,
  requestFingerprint,
  sameFingerprint,
  sealAnswer,
  storeIdempotentAnswer,
  type OpenTransaction,
} from '@chucar/platform';
import { consistencyHeader } from './request-context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route creates or changes something and honours an Idempotency-Key (see plugins/idempotency.ts). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency: IdempotentRequest | null;
  }
}

interface IdempotentRequest {
  scope: string;
  key: string;
  fingerprint: Buffer;
  /** The request's one write transaction, opened by its first write (the key is claimed in it). */
  open: OpenTransaction<Schema> | null;
  /** A write step threw: whatever else happened, nothing of this request is committed. */
  failed: boolean;
  ended: boolean;
}

export interface IdempotencyPluginOptions {
  /** The secret every gateway shares (JWT_SECRET): fingerprints and sealed answers must read the same on all. */
  secret: string;
  keyTtlMs: number;
  sweepIntervalMs: number;
}

/** A route option that takes one hook or several, as a list. */
function asList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/** Answer headers a replay repeats besides the body. */
const replayedHeaders = ['content-type', 'location'] as const;

export const idempotencyDescription =
  'Idempotent with an `Idempotency-Key` header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"; a UUID is a good key): ' +
  'the key is stored in the same transaction as the write, with the answer. The same key with the same request replays the stored ' +
  'answer (status, body, `Location`; `Idempotent-Replayed: true`; a fresh `x-consistency-token` that includes the write); ' +
  'with a different request → 422 `idempotency_key_reused`; while the first request with the key is still running → 409 ' +
  '`idempotency_key_in_flight` (retry after `Retry-After`). Keys are per account (per client address when signed out) and kept 24 h. ' +
  'Answers of 500 and above are not stored, so retrying after one runs the request again (it had no effect).';

/**
 * Idempotency keys on the routes marked `config: { idempotent: true }`. A request with a key runs
 * all its writes in one transaction that first claims the key (a concurrent twin gets 409 at once)
 * and, just before commit, stores the sealed answer: so a write is never committed without its key
 * and answer, and a crash at any point leaves either both or neither.
 */
export const idempotencyPlugin = fp<IdempotencyPluginOptions>(
  async (app, { secret, keyTtlMs, sweepIntervalMs }) => {
    const secrets = deriveIdempotencySecrets(secret);
    // On the cluster a node that has just become the writer may not have applied the old writer's
    // last commits yet: the record of a request whose answer was lost with the old writer must be
    // read causally, or its retry would run the request again and only fail at certification.
    const recordReads = app.databases.mode === 'cluster' ? causalReadsOn(app.databases.writer.runSql) : app.databases.writer.runSql;
    app.decorateRequest('idempotency', null);

    async function replayOrPrepare(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
      const key = parseIdempotencyKey(request.headers[idempotencyKeyHeader]);
      if (key === null) return undefined;
      app.refuseWhileWritesUnavailable();
      const scope = idempotencyScope(request.actor ?? null, request.ip);
      const fingerprint = requestFingerprint(secrets, { method: request.method, url: request.url, body: request.body });
      const stored = await findIdempotencyRecord(recordReads, scope, key, new Date()).catch((error: unknown) => {
        app.noteWriteFailure(error);
        throw error;
      });
      if (stored) {
        if (!sameFingerprint(stored.fingerprint, fingerprint)) {
          throw new HttpProblem(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request; use a new key for a new request');
        }
        const answer = openAnswer(secrets, stored.sealedAnswer);
        // The write's own GTID is not stored (it exists only after commit); the writer's applied set includes it.
        const token = await readAppliedGtids(app.databases.writer.runSql).catch(() => null);
        for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
        reply.header(idempotentReplayedHeader, 'true');
        if (token) reply.header(consistencyHeader, token);
        // Returning the reply ends the request here: the handler does not run.
        return reply.code(answer.statusCode).send(answer.body === '' ? undefined : answer.body);
      }
      const pending: IdempotentRequest = { scope, key, fingerprint, open: null, failed: false, ended: false };
      request.idempotency = pending;
      request.requestWrites = requestWritesFor(pending);
      return undefined;
    }

    function requestWritesFor(pending: IdempotentRequest): WriteRunner {
      return {
        async transaction(work) {
          if (!pending.open) {
            app.refuseWhileWritesUnavailable();
            let open: OpenTransaction<Schema>;
            try {
              open = await app.databases.unitOfWork.begin();
            } catch (error) {
              app.noteWriteFailure(error);
              throw error;
            }
            const now = new Date();
            let outcome;
            try {
              outcome = await claimIdempotencyKey(open.runSql, { scope: pending.scope, key: pending.key, fingerprint: pending.fingerprint, now, expiresAt: new Date(now.getTime() + keyTtlMs) });
            } catch (error) {
              await open.rollback().catch(() => {});
              throw error;
            }
            if (outcome !== 'claimed') {
              await open.rollback();
              pending.ended = true;
              throw new HttpProblem(409, 'idempotency_key_in_flight', 'another request with this Idempotency-Key is being processed; retry shortly to get its answer', { 'retry-after': '1' });
            }
            pending.open = open;
          }
          try {
            return await work(createRepositories(pending.open.trx));
          } catch (error) {
            pending.failed = true;
            throw error;
          }
        },
      };
    }

    /** Ends the request's transaction before its answer leaves: commit with the answer stored, or roll back. */
    async function settle(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      const pending = request.idempotency;
      if (!pending?.open || pending.ended) return payload;
      pending.ended = true;
      const open = pending.open;
      if (pending.failed || reply.statusCode >= 500) {
        await open.rollback().catch((error: unknown) => request.log.warn({ err: error }, 'rollback of an idempotent request failed'));
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of replayedHeaders) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const body = payload === null || payload === undefined ? '' : Buffer.isBuffer(payload) ? payload.toString('utf8') : String(payload);
      let committed = false;
      try {
        await storeIdempotentAnswer(open.runSql, pending.scope, pending.key, reply.statusCode, sealAnswer(secrets, { statusCode: reply.statusCode, headers, body }));
        const { gtid } = await open.commit();
        committed = true;
        if (gtid) reply.header(consistencyHeader, gtid);
        return payload;
      } catch (error) {
        if (!committed) await open.rollback().catch(() => {});
        app.noteWriteFailure(error);
        reply.removeHeader('location').code(503).type(problemContentType);
        if ((error as { code?: unknown } | null)?.code === 'ER_LOCK_DEADLOCK') {
          // Rolled back for certain (on a Galera cluster, also a commit that lost certification to a
          // write on another node): the answer any deadlock gets.
          reply.header('retry-after', '1');
          return JSON.stringify(problemBody(503, 'transaction_conflict', 'a concurrent change interrupted this request; nothing was saved, retry it', request.id, request.url.split('?')[0]));
        }
        request.log.error({ err: error }, 'could not commit an idempotent request');
        // If the commit itself was cut, it may or may not have landed: a retry with the same key tells.
        reply.header('retry-after', '5');
        return JSON.stringify(problemBody(503, 'database_unavailable', 'the write could not be confirmed; retry with the same Idempotency-Key', request.id, request.url.split('?')[0]));
      }
    }

    app.addHook('onRoute', (route: RouteOptions) => {
      if (route.config?.idempotent !== true) return;
      const schema = (route.schema ??= {});
      const headers = (schema.headers ?? Type.Object({})) as { properties?: Record<string, unknown> };
      schema.headers = Type.Object({
        ...(headers.properties ?? {}),
        [idempotencyKeyHeader]: Type.Optional(
          Type.String({ minLength: 1, maxLength: maxIdempotencyKeyLength + 2, description: 'A key unique to this logical request; send the same key when retrying it (see the operation description)' }),
        ),
      });
      schema.description = [schema.description, idempotencyDescription].filter(Boolean).join('\n\n');
      const responses = (schema.response ??= {}) as Record<string, unknown>;
      for (const status of ['409', '422', '503']) responses[status] ??= Type.Ref('Problem');
      route.preHandler = [...asList(route.preHandler), replayOrPrepare];
      // On these routes only, after every app-wide hook: no other route can have a transaction to settle.
      route.onSend = [...asList(route.onSend), settleBeforeSending];
      route.onResponse = [...asList(route.onResponse), rollbackUnsent];
    });

    // Callback hooks, not async: most requests with a key still have nothing to settle (a replay, a read-only outcome).
    function settleBeforeSending(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void): void {
      if (!request.idempotency?.open || request.idempotency.ended) return done(null, payload);
      settle(request, reply, payload).then(
        (settled) => done(null, settled),
        (error: unknown) => done(error as Error),
      );
    }
    /** Safety net: a request that ended without sending (an aborted client) releases its transaction. */
    function rollbackUnsent(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
      const pending = request.idempotency;
      if (!pending?.open || pending.ended) return done();
      pending.ended = true;
      pending.open.rollback().then(() => done(), () => done());
    }

    async function sweepExpiredKeys(): Promise<void> {
      if (!app.databases.writesAvailable()) return;
      let removed = 0;
      for (let batch = 0; batch < 100; batch += 1) {
        const deleted = await deleteExpiredIdempotencyKeys(app.databases.writer.db, new Date(), 1000);
        removed += deleted;
        if (deleted < 1000) break;
      }
      if (removed > 0) app.log.info({ removed }, 'deleted expired idempotency keys');
    }
    const sweep = createPeriodicTask({ name: 'idempotency_key_sweep', intervalMs: sweepIntervalMs, run: sweepExpiredKeys, logger: app.log, registry: app.metricsRegistry });
    app.addHook('onReady', () => sweep.start());
    app.addHook('onClose', () => sweep.stop());
  },
  { name: 'idempotency', dependencies: ['domain-services', 'auth'] },
);
