#!/bin/sh
# Redis with one ACL user per service (docs/security.md "Stores"): the file
# is written from the environment (never argv) into the data volume, 0600.
set -eu
for v in REDIS_PASSWORD_ADMIN REDIS_PASSWORD_GATEWAY REDIS_PASSWORD_DIRECTORY REDIS_PASSWORD_NOTIFY REDIS_PASSWORD_STATS; do
  eval "val=\${$v:-}"
  if [ "${#val}" -lt 32 ]; then
    echo "redis-acl.sh: $v must be at least 32 bytes" >&2
    exit 1
  fi
done
cmds='resetchannels -@all +@read +@write +@scripting +@transaction +@connection -@dangerous -@admin'
umask 077
cat >/data/users.acl <<ACL
user default on >$REDIS_PASSWORD_ADMIN ~* &* +@all
user gateway on >$REDIS_PASSWORD_GATEWAY ~tj:sess:* ~tj:rl:* ~tj:oidc:* $cmds
user directory on >$REDIS_PASSWORD_DIRECTORY ~tj:notify ~tj:notify:status ~tj:notify:status:bad $cmds
user notify on >$REDIS_PASSWORD_NOTIFY ~tj:notify ~tj:notify:* $cmds
user stats on >$REDIS_PASSWORD_STATS ~tj:stats:* $cmds
ACL
exec redis-server --appendonly yes --appendfsync always --aclfile /data/users.acl
