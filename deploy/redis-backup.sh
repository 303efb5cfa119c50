#!/bin/sh
# Körpü's Redis backup: a point-in-time snapshot (RDB) of a running Redis, taken without stopping
# it, checked, then moved into place — a file by that name is always a whole, readable snapshot.
#
#   redis-backup.sh <file.rdb> [redis-cli connection options: -h host -p port --user u --pass p …]
#
# In the compose deployment (docker-compose.yml mounts this script and ./backups into `redis`):
#   docker compose exec redis korpu-backup /backups/korpu-$(date +%Y-%m-%d).rdb
#
# The snapshot holds what Redis holds: pseudonyms and ciphertexts, never a name in clear; it is
# useless without DATA_KEY (and PSEUDONYM_KEY), which are backed up apart (README, "Backups").
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 <file.rdb> [redis-cli options]" >&2
  exit 2
fi
out=$1
shift
partial="$out.partial"
rm -f "$partial"
# --rdb asks the server for a snapshot as a replica would (the server forks; writes go on).
if ! redis-cli "$@" --rdb "$partial" >/dev/null 2>"$partial.log"; then
  cat "$partial.log" >&2
  rm -f "$partial" "$partial.log"
  echo "redis-backup: no snapshot taken" >&2
  exit 1
fi
rm -f "$partial.log"
# A snapshot cut short or damaged would fail only on the day it is needed: check it now.
if ! redis-check-rdb "$partial" >/dev/null 2>&1; then
  rm -f "$partial"
  echo "redis-backup: the snapshot did not pass redis-check-rdb; nothing written" >&2
  exit 1
fi
mv "$partial" "$out"
echo "redis-backup: $out ($(wc -c <"$out" | tr -d ' ') bytes)"
