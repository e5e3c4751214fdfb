import type { RenderableReport } from './renderable-report.ts';

/**
 * One JSON document, written as it goes: the header fields (dataAsOf, replicaLagSeconds,
 * warnings, the columns with their Korean labels), then `rows` one at a time.
 */
export async function* renderJson(result: RenderableReport): AsyncGenerator<string> {
  const { header, definition } = result;
  const head = { ...header, columns: definition.columns };
  yield `${JSON.stringify(head).slice(0, -1)},"rows":[`;
  let first = true;
  for await (const row of result.rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield '\n]}\n';
}
