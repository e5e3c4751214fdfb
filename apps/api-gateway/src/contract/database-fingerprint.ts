/** Row counts and checksums of every business table, read on the primary: equal fingerprints mean nothing was written. */
import { TABLES_CHILDREN_FIRST } from '@chucar/domain';
import type { RunSql } from '@chucar/platform';

export type Fingerprint = Record<string, { rows: number; checksum: string }>;

export async function fingerprintBusinessTables(primary: RunSql): Promise<Fingerprint> {
  const tables = TABLES_CHILDREN_FIRST;
  const counts = await primary(tables.map((table) => `SELECT '${table}' AS name, COUNT(*) AS row_count FROM \`${table}\``).join(' UNION ALL '));
  // CHECKSUM TABLE (not QUICK) reads every row, so any changed value changes it.
  const checksums = await primary(`CHECKSUM TABLE ${tables.map((table) => `\`${table}\``).join(', ')}`);
  const checksumOf = new Map(checksums.map((row) => [String(row['Table']).split('.').pop(), row['Checksum']]));
  return Object.fromEntries(
    counts.map((row) => {
      const table = String(row['name']);
      const checksum = checksumOf.get(table);
      // NULL means the table could not be read: two NULLs would compare equal and prove nothing.
      if (checksum === undefined || checksum === null) throw new Error(`CHECKSUM TABLE gave no checksum for ${table}`);
      return [table, { rows: Number(row['row_count']), checksum: String(checksum) }];
    }),
  );
}
