/**
 * The gateway's OpenAPI document is one any client generator accepts: Redocly's recommended rules
 * (redocly.yaml) find nothing in it, and the names generators build on hold. Every operation has an
 * operationId of its own (a generator otherwise invents method names from paths), says who may call
 * it (`security: []` when anyone may), and sits under a described tag. No server is contacted.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPI3, OperationObject } from 'openapi-typescript';
import { gatewayOpenApiDocument } from './web-api-types.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const redoclyCli = path.join(repoRoot, 'node_modules/@redocly/cli/bin/cli.js');
const execFileAsync = promisify(execFile);

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/** Redocly's verdict on one file, as its JSON report; a failing lint exits 1 with the same report. */
async function redoclyLint(file: string): Promise<{ totals: { errors: number; warnings: number }; problems: RedoclyProblem[] }> {
  const args = [redoclyCli, 'lint', file, '--config', path.join(repoRoot, 'redocly.yaml'), '--format', 'json'];
  // No telemetry and no update check: the linter must not reach for the network.
  const options = { cwd: repoRoot, timeout: 60_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } };
  const { stdout } = await execFileAsync(process.execPath, args, options).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    if (error.code === 1 && error.stdout) return { stdout: error.stdout };
    throw new Error(`redocly lint failed to run: ${error.stderr ?? String(error)}`);
  });
  return JSON.parse(stdout);
}

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationsOf(document: OpenAPI3): { where: string; path: string; operation: OperationObject }[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    httpMethods.flatMap((method) => {
      const operation = item && !('$ref' in item) ? item[method] : undefined;
      return operation ? [{ where: `${method.toUpperCase()} ${path}`, path, operation }] : [];
    }),
  );
}

describe('the gateway OpenAPI document', () => {
  let document: OpenAPI3;
  let workDir: string;
  let documentFile: string;
  beforeAll(async () => {
    document = await gatewayOpenApiDocument();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chucar-openapi-lint-'));
    documentFile = path.join(workDir, 'openapi.json');
    fs.writeFileSync(documentFile, JSON.stringify(document, null, 2));
    // The gateway prints its document from a process of its own: seconds on a busy machine.
  }, 60_000);
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('passes redocly lint with the recommended rules: no error, no warning', async () => {
    const { totals, problems } = await redoclyLint(documentFile);
    const found = problems.map((problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(found).toEqual([]);
    expect(totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('the linter does find a broken document (a header schema nested in a schema, an operation without an id)', async () => {
    type LooseDocument = { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { headers?: object }> }>> };
    const broken: LooseDocument = JSON.parse(JSON.stringify(document));
    const upload = broken.paths['/v1/media']!['post']!;
    upload.responses['202']!.headers = { location: { schema: { schema: { type: 'string' } } } };
    delete upload.operationId;
    const brokenFile = path.join(workDir, 'broken.json');
    fs.writeFileSync(brokenFile, JSON.stringify(broken));
    const { problems } = await redoclyLint(brokenFile);
    expect(problems.map((problem) => problem.ruleId)).toEqual(expect.arrayContaining(['struct', 'operation-operationId']));
  });

  it('every operation has an operationId of its own, a camelCase verb phrase (listQuoteRequests)', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const ids = new Map<string, string[]>();
    for (const { where, operation } of operations) {
      expect(operation.operationId, where).toMatch(/^[a-z]+(?:[A-Z][a-z]+)+$/);
      ids.set(operation.operationId!, [...(ids.get(operation.operationId!) ?? []), where]);
    }
    const shared = [...ids].filter(([, users]) => users.length > 1);
    expect(shared, 'operationIds used twice').toEqual([]);
    const idOf = (where: string) => operations.find((operation) => operation.where === where)?.operation.operationId;
    expect(idOf('GET /v1/quote-requests')).toBe('listQuoteRequests');
    expect(idOf('GET /v1/quote-requests/{id}')).toBe('getQuoteRequest');
  });

  it('every operation says who may call it: anyone (security: []) or a bearer token', () => {
    let open = 0;
    for (const { where, operation } of operationsOf(document)) {
      expect([[], [{ bearerAuth: [] }]], where).toContainEqual(operation.security);
      if (operation.security?.length === 0) open += 1;
    }
    // Sign-up (customers, dealers), sign-in, refresh, sign-out, the regions, four catalog reads and the two health probes.
    expect(open).toBe(12);
  });

  it('every /v1 operation documents a client error, at least the rate limit', () => {
    for (const { where, path, operation } of operationsOf(document).filter(({ path }) => path.startsWith('/v1/'))) {
      expect(operation.responses?.['429'], `${where} (${path})`).toBeDefined();
    }
  });

  it('names the server to call, and describes every tag an operation uses', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const described = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const { where, operation } of operationsOf(document)) {
      for (const tag of operation.tags ?? []) expect(described.get(tag), `${where}: tag ${tag}`).toBeTruthy();
    }
  });
});
