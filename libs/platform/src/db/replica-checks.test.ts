import { describe, expect, it } from 'vitest';
import { findWritePrivileges, stopStatementSql, withStatementTimeLimit } from './mariadb-dialect.ts';

describe('reading SHOW GRANTS for write privileges', () => {
  it('finds none in a SELECT-only account', () => {
    expect(findWritePrivileges(["GRANT USAGE ON *.* TO `chucar_reporter`@`%` IDENTIFIED BY PASSWORD '*4749D0F9809F'", 'GRANT SELECT ON `chucar%`.* TO `chucar_reporter`@`%`'])).toEqual([]);
    expect(findWritePrivileges(['GRANT SELECT, SHOW VIEW ON `chucar`.* TO `r`@`%`', 'GRANT SLAVE MONITOR ON *.* TO `r`@`%`', 'GRANT SELECT (id, name) ON `chucar`.`makers` TO `r`@`%`'])).toEqual([]);
  });

  it('names every privilege beyond reading, grant options, roles and proxies', () => {
    expect(findWritePrivileges(['GRANT ALL PRIVILEGES ON `chucar%`.* TO `chucar_app`@`%`', 'GRANT SLAVE MONITOR, BINLOG MONITOR ON *.* TO `chucar_app`@`%`'])).toEqual(['ALL PRIVILEGES']);
    expect(findWritePrivileges(['GRANT SELECT, INSERT, UPDATE (note) ON `chucar`.`quotes` TO `r`@`%`'])).toEqual(['INSERT', 'UPDATE']);
    expect(findWritePrivileges(['GRANT SELECT ON *.* TO `r`@`%` WITH GRANT OPTION'])).toEqual(['GRANT OPTION']);
    expect(findWritePrivileges(['GRANT READ ONLY ADMIN ON *.* TO `r`@`%`'])).toEqual(['READ ONLY ADMIN']);
    expect(findWritePrivileges(['GRANT `writer` TO `r`@`%`'])).toEqual(['role or proxy grant: GRANT `writer` TO `r`@`%`']);
    expect(findWritePrivileges(["GRANT PROXY ON ''@'%' TO 'r'@'%'"])).toEqual(['PROXY']);
  });
});

describe('statement time limits', () => {
  it('prefixes a SELECT with MariaDB’s per-statement max_statement_time, in seconds', () => {
    expect(withStatementTimeLimit('select 1', 90)).toBe('SET STATEMENT max_statement_time=90 FOR select 1');
    expect(withStatementTimeLimit('SELECT 1', 0.5)).toBe('SET STATEMENT max_statement_time=0.5 FOR SELECT 1');
    expect(withStatementTimeLimit('WITH t AS (SELECT 1) SELECT * FROM t', 2)).toBe('SET STATEMENT max_statement_time=2 FOR WITH t AS (SELECT 1) SELECT * FROM t');
    expect(() => withStatementTimeLimit('DELETE FROM quotes', 1)).toThrow(/SELECT statements only/);
    expect(() => withStatementTimeLimit('SELECT 1', 0)).toThrow(/positive number of seconds/);
  });

  it('stops a session’s statement, and only for a real session id', () => {
    expect(stopStatementSql(42)).toBe('KILL QUERY 42');
    expect(() => stopStatementSql(0)).toThrow(/positive integer/);
    expect(() => stopStatementSql(Number.NaN)).toThrow(/positive integer/);
  });
});
