#!/usr/bin/env bash
# Starts and stops a whole private Tarjotin stack: PostgreSQL, Redis, the
# mail catcher, the SMS provider stand-in, the OpenID provider
# (deploy/oidc-dev) and the four services.
#
#   scripts/stack.sh run                  make run: ./var/, default ports, foreground
#   scripts/stack.sh start DIR            tests: start in DIR (ports from the env)
#   scripts/stack.sh stop DIR             stop everything started in DIR, by PID
#   scripts/stack.sh pg-stop|pg-start DIR
#   scripts/stack.sh redis-stop|redis-start DIR
#   scripts/stack.sh mail-start DIR [ARGS] | mail-stop DIR   the mail catcher
#   scripts/stack.sh sms-start DIR [ARGS] | sms-stop DIR     the SMS stand-in
#   scripts/stack.sh oidc-start DIR | oidc-stop DIR          the OpenID provider
#   scripts/stack.sh svc-start DIR NAME SERVICE [VAR=VALUE ...]
#   scripts/stack.sh svc-stop DIR NAME [SIGNAL]
#
# DIR/env holds the resolved configuration (sourced by tests); DIR/pids/*.pid
# the PIDs; DIR/logs/*.log every process's output.
set -euo pipefail
# Everything written here is for this user only (secrets, keys, logs): the
# folders PostgreSQL must reach are opened for traversal one by one.
umask 077
# Note: every "return" here names its status: inside a trap (Ctrl-C), a bare
# return would return the interrupted wait's 130/143, and set -e would end
# the script before it stopped anything.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
BIN=${TARJOTIN_BIN:-$ROOT/build/release}

log() { printf 'stack: %s\n' "$*" >&2; }

# --- configuration ----------------------------------------------------------
load_config() {
  local dir=$1
  if [[ -f $dir/env ]]; then
    # shellcheck disable=SC1091
    source "$dir/env"
    # shellcheck disable=SC1091
    source "$dir/secrets" # the stores' passwords, which env does not hold
    export PGPASSFILE
    return 0
  fi
  : "${TARJOTIN_HTTP_PORT:=8080}"
  : "${TARJOTIN_PG_PORT:=55432}"
  : "${TARJOTIN_REDIS_PORT:=56379}"
  : "${TARJOTIN_SMTP_PORT:=2525}"
  : "${TARJOTIN_MAILCATCHER_HTTP_PORT:=8025}"
  : "${TARJOTIN_SMS_PORT:=8026}"
  : "${TARJOTIN_OIDC_PORT:=8027}"
  : "${TARJOTIN_DIRECTORY_PORT:=5601}"
  : "${TARJOTIN_STATS_PORT:=5701}"
  : "${TARJOTIN_STATS_REPORT_PORT:=5702}"
  : "${TARJOTIN_INTERNAL_PORT:=8081}"
  load_secrets "$dir"
  load_keys "$dir" || return 1
  cat >"$dir/env" <<ENV
TARJOTIN_STACK_DIR=$dir
TARJOTIN_BIN=$BIN
TARJOTIN_HTTP_PORT=$TARJOTIN_HTTP_PORT
TARJOTIN_PG_PORT=$TARJOTIN_PG_PORT
TARJOTIN_REDIS_PORT=$TARJOTIN_REDIS_PORT
TARJOTIN_SMTP_PORT=$TARJOTIN_SMTP_PORT
TARJOTIN_MAILCATCHER_HTTP_PORT=$TARJOTIN_MAILCATCHER_HTTP_PORT
TARJOTIN_SMS_PORT=$TARJOTIN_SMS_PORT
TARJOTIN_OIDC_PORT=$TARJOTIN_OIDC_PORT
TARJOTIN_DIRECTORY_PORT=$TARJOTIN_DIRECTORY_PORT
TARJOTIN_STATS_PORT=$TARJOTIN_STATS_PORT
TARJOTIN_STATS_REPORT_PORT=$TARJOTIN_STATS_REPORT_PORT
TARJOTIN_URL=http://127.0.0.1:$TARJOTIN_HTTP_PORT
TARJOTIN_INTERNAL_PORT=$TARJOTIN_INTERNAL_PORT
TARJOTIN_INTERNAL_URL=http://127.0.0.1:$TARJOTIN_INTERNAL_PORT
TARJOTIN_PUBLIC_URL=http://127.0.0.1:$TARJOTIN_HTTP_PORT
TARJOTIN_DATABASE_URL=postgresql://tarjotin_directory@127.0.0.1:$TARJOTIN_PG_PORT/tarjotin
TARJOTIN_MIGRATE_DATABASE_URL=postgresql://tarjotin@127.0.0.1:$TARJOTIN_PG_PORT/tarjotin
PGPASSFILE=$dir/pgpass
TARJOTIN_REDIS_ADDR=127.0.0.1:$TARJOTIN_REDIS_PORT
TARJOTIN_REDIS_USER=gateway
TARJOTIN_REDIS_PASSWORD=$REDIS_PASSWORD_GATEWAY
TARJOTIN_DIRECTORY_ENDPOINTS=${TARJOTIN_DIRECTORY_ENDPOINTS:-tcp://127.0.0.1:$TARJOTIN_DIRECTORY_PORT}
TARJOTIN_STATS_ENDPOINT=tcp://127.0.0.1:$TARJOTIN_STATS_PORT
TARJOTIN_STATS_REPORT_ENDPOINT=tcp://127.0.0.1:$TARJOTIN_STATS_REPORT_PORT
TARJOTIN_STATS_DATABASE_URL=postgresql://tarjotin_stats@127.0.0.1:$TARJOTIN_PG_PORT/tarjotin
TARJOTIN_STATS_MIGRATE_DATABASE_URL=postgresql://tarjotin_stats_owner@127.0.0.1:$TARJOTIN_PG_PORT/tarjotin
TARJOTIN_GATEWAY_PUBLIC_KEY=$(cat "$dir/keys/gateway.pub")
TARJOTIN_DIRECTORY_PUBLIC_KEY=$(cat "$dir/keys/directory.pub")
TARJOTIN_STATS_PUBLIC_KEY=$(cat "$dir/keys/stats.pub")
TARJOTIN_CURVE_SECRET_KEY_FILE=$dir/keys/gateway.key
TARJOTIN_DATA_KEY=$TARJOTIN_DATA_KEY
TARJOTIN_SMS_TOKEN=$TARJOTIN_SMS_TOKEN
TARJOTIN_SMS_DLR_SECRET=$TARJOTIN_SMS_DLR_SECRET
TARJOTIN_SMTP_URL=${TARJOTIN_SMTP_URL:-smtp://127.0.0.1:$TARJOTIN_SMTP_PORT}
TARJOTIN_SMS_URL=${TARJOTIN_SMS_URL:-http://127.0.0.1:$TARJOTIN_SMS_PORT/rest/mtsms}
TARJOTIN_MAILCATCHER_URL=http://127.0.0.1:$TARJOTIN_MAILCATCHER_HTTP_PORT
TARJOTIN_SMS_STANDIN_URL=http://127.0.0.1:$TARJOTIN_SMS_PORT
TARJOTIN_OIDC_PROVIDERS=pohjois-savo
TARJOTIN_OIDC_POHJOIS_SAVO_ISSUER=http://127.0.0.1:$TARJOTIN_OIDC_PORT
TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_ID=tarjotin
TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET=$TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET
TARJOTIN_OIDC_POHJOIS_SAVO_NAME=$(printf '%q' "Pohjois-Savon hyvinvointialue")
ENV
  # Test stacks only (tests/run.sh starts with "start"): every test signs in
  # from 127.0.0.1, so the per-IP sign-in limit would stop the suite.
  if [[ -n ${TARJOTIN_SIGNIN_LIMIT_IP:-} ]]; then
    echo "TARJOTIN_SIGNIN_LIMIT_IP=$TARJOTIN_SIGNIN_LIMIT_IP" >>"$dir/env"
  fi
  # The same for NGO registrations (tests register many from 127.0.0.1; the
  # throttle's own test starts a gateway with a low limit).
  if [[ -n ${TARJOTIN_REGISTER_LIMIT_IP:-} ]]; then
    echo "TARJOTIN_REGISTER_LIMIT_IP=$TARJOTIN_REGISTER_LIMIT_IP" >>"$dir/env"
  fi
  # Test stacks and make bench only ("start"): every request comes from
  # 127.0.0.1, so the per-IP request rate and connection limit of the
  # gateway (docs/security.md "Abuse limits") would throttle them; the abuse
  # test starts a gateway of its own with low limits.
  local v
  for v in TARJOTIN_HTTP_RATE_IP TARJOTIN_HTTP_BURST_IP TARJOTIN_HTTP_RATE_SESSION \
    TARJOTIN_HTTP_BURST_SESSION TARJOTIN_HTTP_MAX_CONNECTIONS_IP; do
    [[ -n ${!v:-} ]] && echo "$v=${!v}" >>"$dir/env"
  done
  # Test stacks only (tests/run.sh exports TARJOTIN_TEST_CLOCK=1): the
  # review's clock reads its offset from DIR/clock-offset (seconds, "0" at
  # start), which a test rewrites to move time (docs/selfservice.md "Time").
  # In the env file, so a directory a test starts later reads it too.
  if [[ ${TARJOTIN_TEST_CLOCK:-0} == 1 ]]; then
    echo "TARJOTIN_TEST_CLOCK_FILE=$dir/clock-offset" >>"$dir/env"
    echo 0 >"$dir/clock-offset"
    # Reports take the directory's coverage afresh each time: a test that
    # changes activities sees them in the next report.
    echo "TARJOTIN_STATS_COVERAGE_MAX_AGE_S=0" >>"$dir/env"
  fi
  # shellcheck disable=SC1091
  source "$dir/env"
  export PGPASSFILE
}

# The stack's secrets: the data key that seals recipients, the SMS provider
# token, the delivery-report secret and the OpenID client secret.  Taken
# from the environment when set, else generated once into DIR/secrets (0600)
# and kept, so that what was sealed in a folder stays readable across runs;
# a secret an older folder lacks is added.
load_secrets() {
  local dir=$1 f=$1/secrets spec name bytes
  (umask 077 && touch "$f")
  # The interim admin token is gone: accounts and sessions replaced it.
  sed -i '/^TARJOTIN_ADMIN_TOKEN=/d' "$f"
  # shellcheck disable=SC1090
  source "$f"
  # At least 32 bytes each, as the services demand (docs/security.md).
  for spec in TARJOTIN_DATA_KEY:32 TARJOTIN_SMS_TOKEN:32 TARJOTIN_SMS_DLR_SECRET:32 \
    TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET:32 PG_PASSWORD_POSTGRES:32 \
    PG_PASSWORD_TARJOTIN:32 PG_PASSWORD_TARJOTIN_DIRECTORY:32 PG_PASSWORD_TARJOTIN_STATS:32 \
    PG_PASSWORD_TARJOTIN_STATS_OWNER:32 REDIS_PASSWORD_ADMIN:32 REDIS_PASSWORD_GATEWAY:32 \
    REDIS_PASSWORD_DIRECTORY:32 REDIS_PASSWORD_NOTIFY:32 REDIS_PASSWORD_STATS:32; do
    name=${spec%:*} bytes=${spec#*:}
    grep -q "^$name=" "$f" && continue
    echo "$name=${!name:-$(od -An -tx1 -N"$bytes" /dev/urandom | tr -d ' \n')}" >>"$f"
  done
  # Secrets an older folder made shorter than 32 bytes are made again
  # (what they sealed stays sealed with the data key, which was 32 already).
  for name in TARJOTIN_SMS_TOKEN TARJOTIN_SMS_DLR_SECRET TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET; do
    if [[ $(grep "^$name=" "$f" | cut -d= -f2- | tr -d '\n' | wc -c) -lt 32 ]]; then
      sed -i "/^$name=/d" "$f"
      echo "$name=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >>"$f"
    fi
  done
  # shellcheck disable=SC1090
  source "$f"
  # libpq's password file: the URLs name users, never passwords.
  {
    echo "127.0.0.1:$TARJOTIN_PG_PORT:*:postgres:$PG_PASSWORD_POSTGRES"
    echo "127.0.0.1:$TARJOTIN_PG_PORT:*:tarjotin:$PG_PASSWORD_TARJOTIN"
    echo "127.0.0.1:$TARJOTIN_PG_PORT:*:tarjotin_directory:$PG_PASSWORD_TARJOTIN_DIRECTORY"
    echo "127.0.0.1:$TARJOTIN_PG_PORT:*:tarjotin_stats:$PG_PASSWORD_TARJOTIN_STATS"
    echo "127.0.0.1:$TARJOTIN_PG_PORT:*:tarjotin_stats_owner:$PG_PASSWORD_TARJOTIN_STATS_OWNER"
  } >"$dir/pgpass"
}

# The services' CURVE key pairs (docs/security.md "Internal traffic"): one
# per service in DIR/keys/<service>.key (secret, 0600) and .pub, made once
# by tarjotin-admin and kept, like the secrets.
load_keys() {
  local dir=$1 svc pub sec
  mkdir -p "$dir/keys"
  for svc in gateway directory stats; do
    [[ -s $dir/keys/$svc.key && -s $dir/keys/$svc.pub ]] && continue
    if [[ ! -x $BIN/tarjotin-admin ]]; then
      log "$BIN/tarjotin-admin is missing: build first (make)"
      return 1
    fi
    { read -r pub && read -r sec; } < <("$BIN/tarjotin-admin" curve-keypair) || {
      log "cannot make a CURVE key pair"
      return 1
    }
    printf '%s\n' "$sec" >"$dir/keys/$svc.key"
    printf '%s\n' "$pub" >"$dir/keys/$svc.pub"
  done
}

pidfile() { echo "$1/pids/$2.pid"; }

# A zombie (killed, not yet reaped by a parent that is gone) is not alive.
alive() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 1
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

# Runs a command as the unprivileged postgres user when we are root
# (PostgreSQL refuses to run as root).
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# --- PostgreSQL -------------------------------------------------------------
pg_init() {
  local dir=$1 data=$1/pg
  [[ -f $data/PG_VERSION ]] && return 0
  mkdir -p "$data" "$dir/pgsock"
  if [[ $(id -u) == 0 ]]; then
    chown postgres:postgres "$data" "$dir/pgsock"
    chmod 700 "$data"
    if ! runuser -u postgres -- test -x "$dir"; then
      log "PostgreSQL runs as user 'postgres', which cannot reach '$dir'."
      log "Clone the project where other users can traverse the path (not under /root),"
      log "or set TARJOTIN_VAR to such a folder."
      exit 1
    fi
  fi
  log "initialising PostgreSQL in $data"
  as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 \
    >"$dir/logs/initdb.log" 2>&1 || { log "initdb failed, see $dir/logs/initdb.log"; return 1; }
  pg_start "$dir" || return 1
  as_pg "$PGBIN/psql" -q -h "$dir/pgsock" -p "$TARJOTIN_PG_PORT" -U postgres -d postgres \
    -c "CREATE ROLE tarjotin LOGIN" -c "CREATE DATABASE tarjotin OWNER tarjotin" >/dev/null ||
    return 1
}

# pg_roles DIR: the roles every start expects, with their passwords, also
# in a cluster made before they existed (docs/security.md "Stores"):
#   tarjotin              owns the directory's tables: its migrations only
#   tarjotin_directory    what the directory runs as: rows, never CREATE
#   tarjotin_stats_owner  owns the stats schema: stats' migrations only
#   tarjotin_stats        what stats runs as: rows in its schema only
# The owners grant the runtime roles at every migration (lib/migrate.c).
# Neither side has any right on the other's schema.
pg_roles() {
  local dir=$1
  {
    cat <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tarjotin_stats') THEN
    CREATE ROLE tarjotin_stats LOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tarjotin_stats_owner') THEN
    CREATE ROLE tarjotin_stats_owner LOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tarjotin_directory') THEN
    CREATE ROLE tarjotin_directory LOGIN;
  END IF;
  -- A folder from before the split: stats ran as the schema's owner.
  IF EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
             WHERE n.nspname = 'stats' AND r.rolname = 'tarjotin_stats') THEN
    REASSIGN OWNED BY tarjotin_stats TO tarjotin_stats_owner;
  END IF;
END $$;
REVOKE ALL ON DATABASE tarjotin FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE tarjotin TO tarjotin_directory, tarjotin_stats,
  tarjotin_stats_owner;
GRANT CREATE ON DATABASE tarjotin TO tarjotin_stats_owner;
REVOKE CREATE ON DATABASE tarjotin FROM tarjotin_stats, tarjotin_directory;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
    # Through stdin, not argv: hex, so safe inside quotes.
    echo "ALTER ROLE postgres PASSWORD '$PG_PASSWORD_POSTGRES';"
    echo "ALTER ROLE tarjotin PASSWORD '$PG_PASSWORD_TARJOTIN';"
    echo "ALTER ROLE tarjotin_directory PASSWORD '$PG_PASSWORD_TARJOTIN_DIRECTORY';"
    echo "ALTER ROLE tarjotin_stats PASSWORD '$PG_PASSWORD_TARJOTIN_STATS';"
    echo "ALTER ROLE tarjotin_stats_owner PASSWORD '$PG_PASSWORD_TARJOTIN_STATS_OWNER';"
  } | as_pg "$PGBIN/psql" -X -q -h "$dir/pgsock" -p "$TARJOTIN_PG_PORT" -U postgres -d tarjotin \
    -v ON_ERROR_STOP=1 >/dev/null || { log "cannot create the roles"; return 1; }
}

# pg_hba DIR: how the cluster authenticates, written before every start so
# that an older folder (trust) is brought along: over TCP only with a
# password (scram-sha-256); on the private socket only the superuser, as
# the OS user that runs PostgreSQL (peer).
pg_hba() {
  local data=$1/pg who
  who=$(if [[ $(id -u) == 0 ]]; then echo postgres; else id -un; fi)
  as_pg tee "$data/pg_hba.conf" >/dev/null <<HBA
# Written by scripts/stack.sh at every start.
local   all   postgres                 peer map=stack
host    all   all        127.0.0.1/32  scram-sha-256
HBA
  as_pg tee "$data/pg_ident.conf" >/dev/null <<IDENT
stack   $who   postgres
IDENT
}

pg_start() {
  local dir=$1
  pg_hba "$dir"
  if as_pg "$PGBIN/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/pg" reload >/dev/null
    return 0
  fi
  touch "$dir/logs/postgresql.log"
  [[ $(id -u) == 0 ]] && chown postgres "$dir/logs/postgresql.log"
  as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/logs/postgresql.log" -w -t 30 \
    -o "-p $TARJOTIN_PG_PORT -k $dir/pgsock -c listen_addresses=127.0.0.1 -c fsync=${TARJOTIN_PG_FSYNC:-on}" \
    start >/dev/null || {
    log "PostgreSQL did not start (is port $TARJOTIN_PG_PORT taken? set TARJOTIN_PG_PORT); see $dir/logs/postgresql.log"
    tail -n 3 "$dir/logs/postgresql.log" >&2
    return 1
  }
}

pg_stop() {
  local dir=$1
  as_pg "$PGBIN/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1 || return 0
  as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -m fast -w -t 30 stop >/dev/null
}

# --- Redis ------------------------------------------------------------------
# redis_acl DIR: one ACL user per service (deploy/redis-acl.sh holds their
# rights); the passwords through the environment.
redis_acl() {
  REDIS_PASSWORD_ADMIN=$REDIS_PASSWORD_ADMIN REDIS_PASSWORD_GATEWAY=$REDIS_PASSWORD_GATEWAY \
    REDIS_PASSWORD_DIRECTORY=$REDIS_PASSWORD_DIRECTORY REDIS_PASSWORD_NOTIFY=$REDIS_PASSWORD_NOTIFY \
    REDIS_PASSWORD_STATS=$REDIS_PASSWORD_STATS sh "$ROOT/deploy/redis-acl.sh" "$1/redis/users.acl"
}

redis_start() {
  local dir=$1 pf
  pf=$(pidfile "$dir" redis)
  alive "$pf" && return 0
  mkdir -p "$dir/redis"
  redis_acl "$dir" || { log "cannot write the Redis users"; return 1; }
  # AOF with fsync on every write: a job on the stream survives a restart.
  redis-server --bind 127.0.0.1 --port "$TARJOTIN_REDIS_PORT" --unixsocket "$dir/redis.sock" \
    --dir "$dir/redis" --save '' --appendonly yes --appendfsync always \
    --aclfile "$dir/redis/users.acl" \
    --daemonize no --loglevel warning >>"$dir/logs/redis.log" 2>&1 &
  echo $! >"$pf"
  for _ in $(seq 100); do
    [[ $(REDISCLI_AUTH=$REDIS_PASSWORD_ADMIN redis-cli -p "$TARJOTIN_REDIS_PORT" ping 2>/dev/null) == PONG ]] &&
      return 0
    sleep 0.05
  done
  log "redis did not start, see $dir/logs/redis.log"; return 1
}

# --- the mail catcher and the SMS provider stand-in (tests/tools) -----------
# mail_start DIR [ARGS...]: a real SMTP server on loopback that keeps what it
# receives (extra ARGS, e.g. --reject-rcpt-regex R, for fault tests).
mail_start() {
  local dir=$1 pf
  shift
  pf=$(pidfile "$dir" mailcatcher)
  alive "$pf" && return 0
  /usr/bin/python3 "$ROOT/tests/tools/mailcatcher.py" --smtp-port "$TARJOTIN_SMTP_PORT" \
    --http-port "$TARJOTIN_MAILCATCHER_HTTP_PORT" --dir "$dir/mail" "$@" \
    >>"$dir/logs/mailcatcher.log" 2>&1 &
  echo $! >"$pf"
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$TARJOTIN_MAILCATCHER_HTTP_PORT/healthz" && return 0
    alive "$pf" || break
    sleep 0.05
  done
  log "the mail catcher did not start, see $dir/logs/mailcatcher.log"; return 1
}

# sms_start DIR [ARGS...]: GatewayAPI's REST API on loopback; its delivery
# reports go to the gateway, signed with the stack's secret, and are retried
# for 15 s (the real provider retries for hours) so they outlast a restart;
# the incoming SMS a test asks for (POST /_test/reply) go to the gateway too.
sms_start() {
  local dir=$1 pf
  shift
  pf=$(pidfile "$dir" sms-standin)
  alive "$pf" && return 0
  # The token and the report secret through the environment, not argv.
  TARJOTIN_SMS_TOKEN=$TARJOTIN_SMS_TOKEN TARJOTIN_SMS_DLR_SECRET=$TARJOTIN_SMS_DLR_SECRET \
    /usr/bin/python3 "$ROOT/tests/tools/sms_standin.py" --port "$TARJOTIN_SMS_PORT" \
    --dlr-url "$TARJOTIN_URL/api/v1/sms/delivery-reports" \
    --mo-url "$TARJOTIN_URL/api/v1/sms/incoming" \
    --dlr-retries 30 --dir "$dir/sms" "$@" \
    >>"$dir/logs/sms-standin.log" 2>&1 &
  echo $! >"$pf"
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$TARJOTIN_SMS_PORT/_test/counts" && return 0
    alive "$pf" || break
    sleep 0.05
  done
  log "the SMS stand-in did not start, see $dir/logs/sms-standin.log"; return 1
}

# --- the OpenID provider (deploy/oidc-dev) ------------------------------------
# oidc_start DIR: npm oidc-provider on 127.0.0.1:$TARJOTIN_OIDC_PORT with the
# demo users; ready when its discovery document answers.  SIGUSR2 on the PID
# in DIR/pids/oidc.pid rotates its signing key.
oidc_start() {
  local dir=$1 pf
  pf=$(pidfile "$dir" oidc)
  alive "$pf" && return 0
  if [[ ! -d $ROOT/deploy/oidc-dev/node_modules/oidc-provider ]]; then
    log "deploy/oidc-dev/node_modules is missing: run make deps"
    return 1
  fi
  (
    cd "$ROOT/deploy/oidc-dev"
    export TARJOTIN_OIDC_PORT TARJOTIN_PUBLIC_URL TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_ID \
      TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET
    exec node server.mjs >>"$dir/logs/oidc.log" 2>&1
  ) &
  echo $! >"$pf"
  for _ in $(seq 200); do
    curl -sf -o /dev/null "$TARJOTIN_OIDC_POHJOIS_SAVO_ISSUER/.well-known/openid-configuration" && return 0
    alive "$pf" || break
    sleep 0.05
  done
  log "the OpenID provider did not start (is port $TARJOTIN_OIDC_PORT taken?), see $dir/logs/oidc.log"
  return 1
}

# --- our services -----------------------------------------------------------
# svc_start DIR NAME SERVICE [VAR=VALUE ...]: one process, its env on top of
# the stack's.
svc_start() {
  local dir=$1 name=$2 svc=$3 pf
  shift 3
  pf=$(pidfile "$dir" "$name")
  alive "$pf" && return 0
  (
    cd "$ROOT"
    set -a; source "$dir/env"; set +a
    export TARJOTIN_INSTANCE=$name
    export TARJOTIN_WEB_DIR=$ROOT/services/gateway/web
    export TARJOTIN_MIGRATIONS_DIR=$ROOT/services/directory/migrations
    export TARJOTIN_DATA_DIR=$ROOT/services/directory/data
    export TARJOTIN_TEMPLATES_DIR=$ROOT/services/notify/templates
    export TARJOTIN_DIRECTORY_BIND=tcp://127.0.0.1:$TARJOTIN_DIRECTORY_PORT
    export TARJOTIN_STATS_BIND=tcp://127.0.0.1:$TARJOTIN_STATS_PORT
    export TARJOTIN_STATS_REPORT_BIND=tcp://127.0.0.1:$TARJOTIN_STATS_REPORT_PORT
    export TARJOTIN_STATS_MIGRATIONS_DIR=$ROOT/services/stats/migrations
    export TARJOTIN_WEB_VENDOR_DIR=$ROOT/services/gateway/vendor/node_modules/chart.js/dist
    # Its CURVE key, and whom its server sockets admit.
    case $svc in
      gateway | directory | stats) export TARJOTIN_CURVE_SECRET_KEY_FILE=$dir/keys/$svc.key ;;
    esac
    # Its own Redis user (redis_acl), through the environment.
    case $svc in
      gateway | directory | notify | stats)
        export TARJOTIN_REDIS_USER=$svc
        pw=REDIS_PASSWORD_${svc^^}
        export TARJOTIN_REDIS_PASSWORD=${!pw}
        ;;
    esac
    case $svc in
      directory) export TARJOTIN_CURVE_CLIENTS=$TARJOTIN_GATEWAY_PUBLIC_KEY,$TARJOTIN_STATS_PUBLIC_KEY ;;
      stats) export TARJOTIN_CURVE_CLIENTS=$TARJOTIN_GATEWAY_PUBLIC_KEY,$TARJOTIN_DIRECTORY_PUBLIC_KEY ;;
    esac
    for kv in "$@"; do export "${kv?}"; done
    exec "$TARJOTIN_BIN/tarjotin-$svc" >>"$dir/logs/$name.log" 2>&1
  ) &
  echo $! >"$pf"
}

# svc_stop DIR NAME [SIGNAL]: TERM (graceful) by default; waits for the exit.
svc_stop() {
  local dir=$1 name=$2 sig=${3:-TERM} pf pid
  pf=$(pidfile "$dir" "$name")
  [[ -f $pf ]] || return 0
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  rm -f "$pf"
}

# wait_ready URL: URL is the gateway's internal listener (/readyz is not on
# the public port).
wait_ready() {
  local url=$1 tries=${2:-300}
  for _ in $(seq "$tries"); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" 2>/dev/null) == 200 ]] && return 0
    sleep 0.1
  done
  log "not ready: $(curl -s "$url/readyz" 2>/dev/null)"
  return 1
}

# demo_load DIR: the demo directory (services/directory/data/demo.sql), once,
# into an empty database, after directory-1 migrated it and loaded the
# municipalities.  TARJOTIN_DEMO_DATA=0 skips it.
demo_load() {
  local dir=$1 n
  local sql=(psql -X -q -At -h 127.0.0.1 -p "$TARJOTIN_PG_PORT" -U tarjotin -d tarjotin -v ON_ERROR_STOP=1)
  [[ ${TARJOTIN_DEMO_DATA:-1} == 0 ]] && return 0
  for _ in $(seq 300); do
    n=$("${sql[@]}" -c "SELECT count(*) FROM municipalities" 2>/dev/null || true)
    [[ -n $n && $n != 0 ]] && break
    sleep 0.1
  done
  if [[ -z $n || $n == 0 ]]; then
    log "the directory did not load the municipalities, see $dir/logs/directory-1.log"
    return 1
  fi
  n=$("${sql[@]}" -c "SELECT count(*) FROM organizations") || return 1
  [[ $n == 0 ]] || return 0
  log "loading the demo data"
  "${sql[@]}" -1 -f "$ROOT/services/directory/data/demo.sql" >"$dir/logs/demo.log" 2>&1 || {
    log "the demo data did not load, see $dir/logs/demo.log"
    return 1
  }
}

# review_settle DIR: on a test stack (TARJOTIN_TEST_CLOCK=1), makes the
# review's first round happen after the demo data is in, so that every run
# starts from the same state (the overdue activities' requests sent, the
# hidden ones reported, no reminder yet): the offset moves from 0 to 1 s,
# which wakes the scheduler, and this waits (bounded) for that round.  A
# round that began before the move has as_of < t + 1.
review_settle() {
  local dir=$1 t ok
  local sql=(psql -X -q -At -h 127.0.0.1 -p "$TARJOTIN_PG_PORT" -U tarjotin -d tarjotin)
  [[ ${TARJOTIN_TEST_CLOCK:-0} == 1 ]] || return 0
  t=$(date +%s)
  echo 1 >"$dir/clock-offset"
  for _ in $(seq 300); do
    ok=$("${sql[@]}" -c "SELECT as_of >= to_timestamp($t + 1) FROM scheduler_runs WHERE job = 'review'" 2>/dev/null || true)
    [[ $ok == t ]] && return 0
    sleep 0.1
  done
  log "the review's first round did not run, see $dir/logs/directory-1.log"
  return 1
}

start_all() {
  local dir=$1
  mkdir -p "$dir/logs" "$dir/pids"
  # PostgreSQL (user postgres) writes its log in logs/: traversal, no listing.
  chmod 711 "$dir" "$dir/logs"
  load_config "$dir"
  # Each step checks itself: bash ignores set -e inside a function that is
  # called as "start_all || ...".
  pg_init "$dir" || return 1
  pg_start "$dir" || return 1
  pg_roles "$dir" || return 1
  redis_start "$dir" || return 1
  mail_start "$dir" || return 1
  sms_start "$dir" || return 1
  oidc_start "$dir" || return 1
  svc_start "$dir" directory-1 directory
  demo_load "$dir" || return 1
  review_settle "$dir" || return 1
  svc_start "$dir" stats-1 stats
  svc_start "$dir" notify-1 notify
  svc_start "$dir" gateway-1 gateway
  wait_ready "$TARJOTIN_INTERNAL_URL"
}

stop_all() {
  local dir=$1 pf name
  [[ -d $dir/pids ]] || return 0
  load_config "$dir"
  # Gateways first, so nothing new arrives; the rest in any order.
  for pf in "$dir"/pids/gateway*.pid "$dir"/pids/*.pid; do
    [[ -f $pf ]] || continue
    name=$(basename "$pf" .pid)
    [[ $name == redis ]] && continue
    svc_stop "$dir" "$name"
  done
  svc_stop "$dir" redis
  pg_stop "$dir"
}

cmd=${1:-}
case $cmd in
  run)
    dir=${TARJOTIN_VAR:-$ROOT/var}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    rm -f "$dir/env" # ports may have been changed by the environment
    trap 'echo; log "stopping"; stop_all "$dir"; log "stopped"; exit 0' INT TERM
    start_all "$dir" || { stop_all "$dir"; exit 1; }
    cat <<MSG

  Tarjotin is running:  $TARJOTIN_URL/
  readiness:            $TARJOTIN_INTERNAL_URL/readyz  (internal listener)
  metrics:              $TARJOTIN_INTERNAL_URL/metrics
  data and logs:        $dir  (logs/ has one file per process)
  PostgreSQL:           psql -h 127.0.0.1 -p $TARJOTIN_PG_PORT -U tarjotin tarjotin
  Redis:                redis-cli -p $TARJOTIN_REDIS_PORT
  mail catcher:         $TARJOTIN_MAILCATCHER_URL/messages  (SMTP on port $TARJOTIN_SMTP_PORT)
  SMS stand-in:         $TARJOTIN_SMS_STANDIN_URL/_test/messages
  admin messages page:  $TARJOTIN_URL/admin-messages.html
  OpenID provider:      $TARJOTIN_OIDC_POHJOIS_SAVO_ISSUER  (kill -USR2 $(cat "$(pidfile "$dir" oidc)") rotates its key)

  Demo sign-ins (open $TARJOTIN_URL, not localhost: the sign-in cookies and
  the Origin check belong to TARJOTIN_PUBLIC_URL):
    Pohjois-Savo (OpenID Connect), at $TARJOTIN_URL/signin.html:
      hoitaja@kuopio-terveys.example.org        password demo-hoitaja
      sosiaalityo@siilinjarvi-sote.example.org  password demo-sosiaalityo
    e-mail link: enter the address at $TARJOTIN_URL/signin.html,
    then open the link from $TARJOTIN_MAILCATCHER_URL/messages:
      ohjaaja@varkaus-terveys.example.org       professional
      toimitus@mielenterveysseura.example.org   editor (one organisation)
      vapaaehtoiset@savonjarjestot.example.org  editor (two organisations)
      koordinaattori@hyvinvointialue.example.org  admin
MSG
    if [[ -x $BIN/tarjotin-admin ]]; then
      link=$(set -a && source "$dir/env" && set +a && cd "$ROOT" &&
        "$BIN/tarjotin-admin" login-link koordinaattori@hyvinvointialue.example.org \
          2>>"$dir/logs/tarjotin-admin.log") ||
        link="(tarjotin-admin failed, see $dir/logs/tarjotin-admin.log)"
      echo "    admin, one-time link (15 min): $link"
    fi
    cat <<MSG

  Press Ctrl-C to stop everything.
MSG
    while true; do sleep 1 & wait $!; done
    ;;
  start)
    # A test stack: the many sign-ins of a test run all come from 127.0.0.1.
    : "${TARJOTIN_SIGNIN_LIMIT_IP:=100000}"
    : "${TARJOTIN_REGISTER_LIMIT_IP:=100000}"
    # Its own internal port (stacks run side by side), and request rates
    # that 127.0.0.1 alone does not reach.
    : "${TARJOTIN_INTERNAL_PORT:=$("$ROOT/scripts/free-ports" 1)}"
    : "${TARJOTIN_HTTP_RATE_IP:=1000000}" "${TARJOTIN_HTTP_BURST_IP:=1000000}"
    : "${TARJOTIN_HTTP_RATE_SESSION:=1000000}" "${TARJOTIN_HTTP_BURST_SESSION:=1000000}"
    : "${TARJOTIN_HTTP_MAX_CONNECTIONS_IP:=0}"
    start_all "$2"
    ;;
  stop) stop_all "$2" ;;
  pg-start) load_config "$2"; pg_start "$2" ;;
  pg-stop) load_config "$2"; pg_stop "$2" ;;
  redis-start) load_config "$2"; redis_start "$2" ;;
  redis-stop) load_config "$2"; svc_stop "$2" redis ;;
  mail-start) load_config "$2"; mail_start "$2" "${@:3}" ;;
  mail-stop) load_config "$2"; svc_stop "$2" mailcatcher ;;
  sms-start) load_config "$2"; sms_start "$2" "${@:3}" ;;
  sms-stop) load_config "$2"; svc_stop "$2" sms-standin ;;
  oidc-start) load_config "$2"; oidc_start "$2" ;;
  oidc-stop) load_config "$2"; svc_stop "$2" oidc ;;
  svc-start) load_config "$2"; svc_start "$2" "$3" "$4" "${@:5}" ;;
  svc-stop) load_config "$2"; svc_stop "$2" "$3" "${4:-TERM}" ;;
  wait-ready) load_config "$2"; wait_ready "$TARJOTIN_INTERNAL_URL" ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
