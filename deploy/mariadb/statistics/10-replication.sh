#!/bin/bash
# Runs once, when the statistics replica starts on an empty data volume (the image's
# /docker-entrypoint-initdb.d). Points it at Galera node 1 by GTID. It takes everything else (database,
# accounts, schema) from node 1's binary log, which holds them from the cluster's creation on, so no
# dump is needed. The entrypoint's temporary server runs with --skip-slave-start; the real server
# starts the replication threads. When node 1 is gone, the reporter-follow service repoints it to
# another node by GTID. Works whether the entrypoint runs this file or sources it: no `exit`, no `set`.

chucar_sql_string() {
	local escaped=${1//\\/\\\\}
	printf "'%s'" "${escaped//\'/\\\'}"
}

MYSQL_PWD="$MARIADB_ROOT_PASSWORD" mariadb --protocol=socket --socket=/run/mysqld/mysqld.sock -uroot <<SQL
-- Nothing written here may reach this server's own binary log: a local GTID ahead of its
-- source's would break gtid_strict_mode as soon as replicated events are logged.
SET SESSION sql_log_bin = 0;
CHANGE MASTER TO
  MASTER_HOST = $(chucar_sql_string "$REPLICATION_SOURCE_HOST"),
  MASTER_PORT = ${REPLICATION_SOURCE_PORT},
  MASTER_USER = $(chucar_sql_string "$DB_REPLICATION_USER"),
  MASTER_PASSWORD = $(chucar_sql_string "$DB_REPLICATION_PASSWORD"),
  MASTER_USE_GTID = slave_pos,
  MASTER_CONNECT_RETRY = 5,
  MASTER_HEARTBEAT_PERIOD = 1;
SQL
