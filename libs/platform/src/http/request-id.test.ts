import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { forwardedRequestHeaders, loggerForJob, requestIdFor, withRequestId } from './request-id.ts';

describe('request ids across services', () => {
  it('keeps a safe offered id and makes one otherwise', () => {
    expect(requestIdFor({ headers: { 'x-request-id': 'abc-1.2:3' } })).toBe('abc-1.2:3');
    expect(requestIdFor({ headers: { 'x-request-id': 'x'.repeat(129) } })).not.toBe('x'.repeat(129));
    expect(requestIdFor({ headers: { 'x-request-id': ['a', 'b'] } })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forwards the id to downstream calls and stamps it on queued jobs', () => {
    expect(forwardedRequestHeaders({ id: 'r-1' })).toEqual({ 'x-request-id': 'r-1' });
    expect(withRequestId({ id: 'r-1' }, { mediaId: 7 })).toEqual({ mediaId: 7, requestId: 'r-1' });
  });

  it('gives a worker a logger whose every line carries the job and the originating request id', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    loggerForJob(logger, { id: 'j-9', name: 'store-original', data: { requestId: 'r-1', mediaId: 7 } }).info('stored');
    loggerForJob(logger, { id: 'j-10', name: 'scrub', data: {} }).info('scrubbed');
    expect(lines[0]).toMatchObject({ jobId: 'j-9', job: 'store-original', requestId: 'r-1', msg: 'stored' });
    expect(lines[1]).toMatchObject({ jobId: 'j-10', job: 'scrub', msg: 'scrubbed' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });
});
