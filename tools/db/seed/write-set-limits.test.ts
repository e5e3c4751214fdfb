import { describe, expect, it } from 'vitest';
import { UNLIMITED_TRANSACTIONS } from './bulk-insert.ts';
import { describeTransactionLimits, transactionLimitsFor } from './write-set-limits.ts';

describe('transactionLimitsFor', () => {
  it('has no limits off Galera', () => {
    expect(transactionLimitsFor(null)).toEqual(UNLIMITED_TRANSACTIONS);
    expect(transactionLimitsFor({ wsrepOn: false, maxWriteSetRows: 10, maxWriteSetBytes: 1000 })).toEqual(UNLIMITED_TRANSACTIONS);
  });

  it("keeps to a Galera node's row limit and half its byte limit; a row limit of 0 means none", () => {
    expect(transactionLimitsFor({ wsrepOn: true, maxWriteSetRows: 131_072, maxWriteSetBytes: 1_073_741_824 })).toEqual({ maxRows: 131_072, maxBytes: 536_870_912 });
    expect(transactionLimitsFor({ wsrepOn: true, maxWriteSetRows: 0, maxWriteSetBytes: 2_147_483_647 })).toEqual({ maxRows: Number.POSITIVE_INFINITY, maxBytes: 1_073_741_823 });
  });

  it('says where the limits come from', () => {
    const settings = { wsrepOn: true, maxWriteSetRows: 0, maxWriteSetBytes: 2_147_483_647 };
    expect(describeTransactionLimits(settings, transactionLimitsFor(settings))).toBe(
      'a Galera node (wsrep_max_ws_rows 0, wsrep_max_ws_size 2147483647): transactions of at most any number of rows and ~1073741823 bytes',
    );
    expect(describeTransactionLimits(null, UNLIMITED_TRANSACTIONS)).toBe('not a Galera node: each batch in one transaction');
  });
});
