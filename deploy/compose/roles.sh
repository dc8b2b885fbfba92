#!/bin/sh
# The roles of docs/security.md "Stores", made once by the postgres image's
# entrypoint (docker-entrypoint-initdb.d) as its superuser "tarjotin", the
# directory's owner.  Passwords come from the environment, through stdin.
set -eu
for v in PG_PASSWORD_TARJOTIN_DIRECTORY PG_PASSWORD_TARJOTIN_STATS PG_PASSWORD_TARJOTIN_STATS_OWNER; do
  eval "val=\${$v:-}"
  if [ "${#val}" -lt 32 ]; then
    echo "roles.sh: $v must be at least 32 bytes" >&2
    exit 1
  fi
done
psql -v ON_ERROR_STOP=1 -U tarjotin -d tarjotin <<SQL
CREATE ROLE tarjotin_directory LOGIN PASSWORD '$PG_PASSWORD_TARJOTIN_DIRECTORY';
CREATE ROLE tarjotin_stats LOGIN PASSWORD '$PG_PASSWORD_TARJOTIN_STATS';
CREATE ROLE tarjotin_stats_owner LOGIN PASSWORD '$PG_PASSWORD_TARJOTIN_STATS_OWNER';
REVOKE ALL ON DATABASE tarjotin FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE tarjotin TO tarjotin_directory, tarjotin_stats, tarjotin_stats_owner;
GRANT CREATE ON DATABASE tarjotin TO tarjotin_stats_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
