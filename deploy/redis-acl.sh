#!/bin/sh
# redis-acl.sh FILE: writes Redis' ACL file (docs/security.md "Stores"): one
# user per service, each limited to its own keys and to reading, writing,
# scripts and transactions (nothing dangerous, no administration, no
# channels); "default" is the operator's.  The passwords come from the
# environment (never argv): REDIS_PASSWORD_ADMIN, _GATEWAY, _DIRECTORY,
# _NOTIFY, _STATS, each at least 32 bytes.  The one definition of the users,
# for scripts/stack.sh and for deploy/docker-compose.yml.
set -eu
out=$1
for v in REDIS_PASSWORD_ADMIN REDIS_PASSWORD_GATEWAY REDIS_PASSWORD_DIRECTORY REDIS_PASSWORD_NOTIFY REDIS_PASSWORD_STATS; do
  eval "val=\${$v:-}"
  if [ "${#val}" -lt 32 ]; then
    echo "redis-acl.sh: $v must be at least 32 bytes" >&2
    exit 1
  fi
done
cmds='resetchannels -@all +@read +@write +@scripting +@transaction +@connection -@dangerous -@admin'
umask 077
cat >"$out" <<ACL
user default on >$REDIS_PASSWORD_ADMIN ~* &* +@all
user gateway on >$REDIS_PASSWORD_GATEWAY ~tj:sess:* ~tj:rl:* ~tj:oidc:* $cmds
user directory on >$REDIS_PASSWORD_DIRECTORY ~tj:notify ~tj:notify:status ~tj:notify:status:bad $cmds
user notify on >$REDIS_PASSWORD_NOTIFY ~tj:notify ~tj:notify:* $cmds
user stats on >$REDIS_PASSWORD_STATS ~tj:stats:* $cmds
ACL
