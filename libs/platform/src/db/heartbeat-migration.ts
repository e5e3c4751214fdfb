import { sql, type Kysely, type Migration } from 'kysely';
import { heartbeatSetupSql, heartbeatTeardownSql } from './mariadb-dialect.ts';

/** The heartbeat row and event that replica lag is measured from (see readHeartbeatLagSeconds). */
export const heartbeatMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const statement of heartbeatSetupSql()) await sql.raw(statement).execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const statement of heartbeatTeardownSql()) await sql.raw(statement).execute(db);
  },
};
