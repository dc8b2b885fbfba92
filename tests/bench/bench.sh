#!/usr/bin/env bash
# make bench: starts a private stack (release build) on free ports and
# measures it against nginx, configured for speed, serving the same bytes in
# the same run.  Every load is bounded (wrk -d); all processes are stopped.
#
#   BENCH_SECONDS=8  length of one wrk run
#   BENCH_ROUNDS=2   rounds per comparison (the best of each side counts)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SECS=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-2}
CONNS=64

TMP=$(mktemp -d /tmp/tarjotin-bench.XXXXXX)
chmod 755 "$TMP"
NGINX_PID=
cleanup() {
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null
  scripts/stack.sh stop "$TMP" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r P_HTTP P_PG P_REDIS P_SMTP P_MAILHTTP P_SMS P_DIR1 P_STATS P_NGINX P_STATSREP P_INTERNAL < <(scripts/free-ports 11)
export TARJOTIN_BIN=${TARJOTIN_BIN:-$ROOT/build/release}
export TARJOTIN_HTTP_PORT=$P_HTTP TARJOTIN_PG_PORT=$P_PG TARJOTIN_REDIS_PORT=$P_REDIS
export TARJOTIN_SMTP_PORT=$P_SMTP TARJOTIN_MAILCATCHER_HTTP_PORT=$P_MAILHTTP TARJOTIN_SMS_PORT=$P_SMS
export TARJOTIN_DIRECTORY_PORT=$P_DIR1 TARJOTIN_STATS_PORT=$P_STATS
export TARJOTIN_STATS_REPORT_PORT=$P_STATSREP TARJOTIN_INTERNAL_PORT=$P_INTERNAL
export TARJOTIN_PG_FSYNC=off
# wrk's connections all come from 127.0.0.1: the gateway's per-IP request
# rate (default 100/s) and per-IP connection limit (default 128) would
# measure the throttle, so the bench sets its own (docs/security.md).
export TARJOTIN_HTTP_RATE_IP=${TARJOTIN_HTTP_RATE_IP:-10000000} TARJOTIN_HTTP_BURST_IP=${TARJOTIN_HTTP_BURST_IP:-10000000}
export TARJOTIN_HTTP_RATE_SESSION=${TARJOTIN_HTTP_RATE_SESSION:-10000000} TARJOTIN_HTTP_BURST_SESSION=${TARJOTIN_HTTP_BURST_SESSION:-10000000}
export TARJOTIN_HTTP_MAX_CONNECTIONS_IP=${TARJOTIN_HTTP_MAX_CONNECTIONS_IP:-0}
echo "bench: abuse limits for 127.0.0.1: $TARJOTIN_HTTP_RATE_IP requests/s per IP (burst $TARJOTIN_HTTP_BURST_IP)," \
  "$TARJOTIN_HTTP_RATE_SESSION/s per session, connections per IP ${TARJOTIN_HTTP_MAX_CONNECTIONS_IP/#0/unlimited}"
echo "bench: starting the stack in $TMP"
scripts/stack.sh start "$TMP" || { tail "$TMP"/logs/*.log; exit 1; }
URL=http://127.0.0.1:$P_HTTP
# psql and redis-cli of the benchmarks reach the stack with its passwords.
export PGPASSFILE=$TMP/pgpass
REDISCLI_AUTH=$(sed -n 's/^REDIS_PASSWORD_ADMIN=//p' "$TMP/secrets")
export REDISCLI_AUTH

# nginx, configured for speed, serves files from $TMP/www.
mkdir -p "$TMP/www" "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $TMP/nginx/nginx.pid;
daemon off;
error_log $TMP/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:$P_NGINX; root $TMP/www; }
}
NGINX
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
NGINX_PID=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P_NGINX/" && break; sleep 0.05; done

# wrk_run URL [LUA_SCRIPT] -> "RPS P99_MS ERRORS"
wrk_run() {
  local out rps p99 errs
  out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency ${2:+-s "$2"} "$1" 2>&1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  echo "${rps:-0} ${p99:-0} ${errs:-none}"
}

# compare NAME URL NGINX_FILE [LUA_SCRIPT]: best of ROUNDS for each side,
# alternating.  A script picks request paths from its table 'paths'; nginx
# is driven by the same script with every path pointed at NGINX_FILE (query
# string kept), so that wrk does the same work per request on both sides.
compare() {
  local name=$1 url=$2 file=$3 script=${4:-} best_t=0 best_n=0 p99_t=0 p99_n=0 r t pt n pn errs
  local nurl="http://127.0.0.1:$P_NGINX/$file" nscript=
  if [[ -n $script ]]; then
    nurl="http://127.0.0.1:$P_NGINX" nscript="$TMP/nginx-$name.lua"
    { cat "$script"; echo "for i = 1, #paths do paths[i] = paths[i]:gsub('^[^?]*', '/$file', 1) end"; } >"$nscript"
  fi
  for ((i = 0; i < ROUNDS; i++)); do
    read -r n pn _ <<<"$(wrk_run "$nurl" "$nscript")"
    read -r t pt errs <<<"$(wrk_run "$url" "$script")"
    if awk "BEGIN {exit !($n > $best_n)}"; then best_n=$n; p99_n=$pn; fi
    if awk "BEGIN {exit !($t > $best_t)}"; then best_t=$t; p99_t=$pt; fi
    [[ $errs != none ]] && echo "  warning: $name: $errs"
  done
  r=$(awk "BEGIN {printf \"%.2f\", $best_t / $best_n}")
  printf '%-28s %10.0f req/s  p99 %6.2f ms\n' "$name" "$best_t" "$p99_t"
  printf '%-28s %10.0f req/s  p99 %6.2f ms\n' "  nginx, same bytes" "$best_n" "$p99_n"
  printf '%-28s %10s\n' "  ratio" "$r"
  echo "$name ratio=$r p99_ms=$p99_t rps=$best_t nginx_rps=$best_n" >>"$TMP/results"
}

rss() {
  local pf name
  for pf in "$TMP"/pids/*.pid; do
    name=$(basename "$pf" .pid)
    printf '  %-14s %8s KiB\n' "$name" "$(awk '/^VmRSS/ {print $2}' "/proc/$(cat "$pf")/status" 2>/dev/null)"
  done
}

echo
echo "== ping: gateway -> directory -> gateway ($CONNS connections, ${SECS}s x $ROUNDS rounds, best of each)"
curl -s "$URL/api/v1/ping" >"$TMP/www/ping.json"
printf '  response: %s bytes\n' "$(wc -c <"$TMP/www/ping.json")"
compare "ping" "$URL/api/v1/ping" ping.json

echo
echo "== ping with stats stopped (usage events are dropped, requests must not slow down)"
scripts/stack.sh svc-stop "$TMP" stats-1
read -r t pt _ <<<"$(wrk_run "$URL/api/v1/ping")"
scripts/stack.sh svc-start "$TMP" stats-1 stats
read -r t2 pt2 _ <<<"$(wrk_run "$URL/api/v1/ping")"
printf '%-28s %10.0f req/s  p99 %6.2f ms\n' "ping, stats stopped" "$t" "$pt"
printf '%-28s %10.0f req/s  p99 %6.2f ms\n' "ping, stats running" "$t2" "$pt2"
printf '%-28s %10s\n' "  ratio stopped/running" "$(awk "BEGIN {printf \"%.2f\", $t / $t2}")"
printf '  events dropped: %s\n' "$(curl -s "http://127.0.0.1:$P_INTERNAL/metrics" | awk '/^tarjotin_stats_events_dropped_total/ {print $2}')"

# Later issues add their benchmarks here: each is a file tests/bench/*.bench.sh,
# sourced with URL, TMP, compare, wrk_run and rss available.
for b in tests/bench/*.bench.sh; do
  [[ -f $b ]] || continue
  # shellcheck disable=SC1090
  source "$b"
done

echo
echo "== resident memory"
rss
echo
echo "== targets"
awk '/^ping / {split($2,a,"="); split($3,b,"=");
  printf "  ping throughput >= 50%% of nginx: %s (%s)\n", (a[2] >= 0.5 ? "met" : "NOT MET"), a[2];
  printf "  ping p99 < 10 ms:                %s (%s ms)\n", (b[2] < 10 ? "met" : "NOT MET"), b[2]}' "$TMP/results"
# Contact requests (tests/bench/contact.bench.sh): accepted -> NGO e-mail.
awk '/^cr / {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
  split(v["received"], n, "/");
  printf "  contact request -> NGO e-mail p99 < 2 s: %s (%s ms, %s received; %s requests/s accepted)\n",
    (v["p99_ms"] + 0 < 2000 && n[1] == n[2] ? "met" : "NOT MET"), v["p99_ms"], v["received"], v["rps"]}' "$TMP/results"
# Statistics (tests/bench/stats.bench.sh): counting never slows a ping down.
awk '/^stats / {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
  printf "  ping with stats counting within noise (>= 0.85 of stopped): %s (%s)\n", (v["ratio"] >= 0.85 ? "met" : "NOT MET"), v["ratio"];
  printf "  stats absorbs: %s events/s; report over a year p99: %s ms\n", v["eps"], v["report_p99_ms"]}' "$TMP/results"
