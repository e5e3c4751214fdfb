#!/bin/bash
# Runs once, when Galera node 1 starts on an empty data volume and creates the cluster (the image's
# /docker-entrypoint-initdb.d, on its temporary server with wsrep off). Nodes 2 and 3 receive the
# database and the accounts with their first state transfer (a copy of node 1's data). The statements
# also go to node 1's binary log, in its own GTID domain, so the statistics replica, which replays
# node 1's log from its start, receives them by replication. One definition for every server; the
# same accounts as bootstrapAccounts in tools/stack/mariadb.ts. Works whether the entrypoint runs
# this file or sources it: no `exit`, no `set`.

chucar_sql_string() {
	local escaped=${1//\\/\\\\}
	printf "'%s'" "${escaped//\'/\\\'}"
}

chucar_account() {
	printf "%s@'%%' IDENTIFIED BY %s" "$(chucar_sql_string "$1")" "$(chucar_sql_string "$2")"
}

MYSQL_PWD="$MARIADB_ROOT_PASSWORD" mariadb --protocol=socket --socket=/run/mysqld/mysqld.sock -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- The application: everything on the app's databases (chucar, and the ones tests recreate), plus
-- reading replication positions (GTID read-your-writes, replica lag).
CREATE USER IF NOT EXISTS $(chucar_account "$DB_USER" "$DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`chucar%\`.* TO $(chucar_sql_string "$DB_USER")@'%';
GRANT SLAVE MONITOR, BINLOG MONITOR ON *.* TO $(chucar_sql_string "$DB_USER")@'%';

-- The reporter: SELECT only; it connects to the statistics replica alone.
CREATE USER IF NOT EXISTS $(chucar_account "$DB_REPORTER_USER" "$DB_REPORTER_PASSWORD");
GRANT SELECT ON \`chucar%\`.* TO $(chucar_sql_string "$DB_REPORTER_USER")@'%';

-- The statistics replica's IO thread, on whichever node it follows.
CREATE USER IF NOT EXISTS $(chucar_account "$DB_REPLICATION_USER" "$DB_REPLICATION_PASSWORD");
GRANT REPLICATION SLAVE ON *.* TO $(chucar_sql_string "$DB_REPLICATION_USER")@'%';

-- The mysqld exporters (Prometheus): server and replication status, nothing to write. REPLICATION
-- CLIENT is BINLOG MONITOR under its old name; SLAVE MONITOR reads SHOW SLAVE STATUS, without which
-- the exporter silently drops the replication metrics.
CREATE USER IF NOT EXISTS $(chucar_account "$DB_EXPORTER_USER" "$DB_EXPORTER_PASSWORD") WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO $(chucar_sql_string "$DB_EXPORTER_USER")@'%';

-- People, and the statistics replica's follower (STOP SLAVE, CHANGE MASTER on the replica; binary
-- logs on the nodes). ALL on *.* includes READ ONLY ADMIN, so this account can write on the
-- statistics replica too; never give it to an app.
CREATE USER IF NOT EXISTS $(chucar_account "$DB_ADMIN_USER" "$DB_ADMIN_PASSWORD");
GRANT ALL PRIVILEGES ON *.* TO $(chucar_sql_string "$DB_ADMIN_USER")@'%' WITH GRANT OPTION;
SQL
