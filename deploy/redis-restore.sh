#!/bin/sh
# Körpü's Redis restore: puts a snapshot made by redis-backup.sh back as a Redis data folder
# that runs with the append-only file on, as production requires.
#
#   redis-restore.sh <file.rdb> [data folder, default /data]
#
# Run it while NO Redis uses the data folder (in the compose deployment: stop everything, then
# `docker compose run --rm --no-deps redis korpu-restore /backups/<file>.rdb`; README, "Backups").
#
# Why a script: with `appendonly yes` and no append-only file, Redis starts EMPTY and ignores a
# dump.rdb put beside it (it writes a new, empty append-only file). So the snapshot is loaded by
# a Redis started with the append-only file off, which then writes the append-only file from what
# it loaded (CONFIG SET appendonly yes) and shuts down. The data that was in the folder is moved
# aside into before-restore-<time>/, never deleted.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 <file.rdb> [data folder]" >&2
  exit 2
fi
rdb=$1
dir=${2:-/data}
port=${KORPU_RESTORE_PORT:-6390}
if ! redis-check-rdb "$rdb" >/dev/null 2>&1; then
  echo "redis-restore: $rdb is not a readable RDB snapshot (redis-check-rdb); nothing changed" >&2
  exit 1
fi
if redis-cli -p "$port" ping >/dev/null 2>&1; then
  echo "redis-restore: something answers on port $port already (KORPU_RESTORE_PORT); nothing changed" >&2
  exit 1
fi
mkdir -p "$dir"
aside="$dir/before-restore-$(date +%Y%m%dT%H%M%S)"
moved=""
for f in appendonlydir dump.rdb; do
  if [ -e "$dir/$f" ]; then
    mkdir -p "$aside"
    mv "$dir/$f" "$aside/"
    moved=1
  fi
done
cp "$rdb" "$dir/dump.rdb"
# Loopback only, no RDB snapshots of its own while it works.
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --dbfilename dump.rdb --appendonly no --save '' --daemonize no >"$dir/restore.log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
}
trap stop EXIT
# Loading a big snapshot takes a while: PING answers LOADING until it is done.
tries=0
until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; do
  tries=$((tries + 1))
  if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -gt 6000 ]; then
    cat "$dir/restore.log" >&2
    echo "redis-restore: the snapshot did not load" >&2
    exit 1
  fi
  sleep 0.1
done
keys=$(redis-cli -p "$port" dbsize)
[ "$(redis-cli -p "$port" config set appendonly yes)" = "OK" ]
# The append-only file is written in the background: wait until it is whole.
tries=0
while :; do
  info=$(redis-cli -p "$port" info persistence | tr -d '\r')
  case "$info" in
    *aof_enabled:1*aof_rewrite_in_progress:0*aof_rewrite_scheduled:0*) break ;;
  esac
  tries=$((tries + 1))
  if [ "$tries" -gt 6000 ]; then
    echo "redis-restore: the append-only file was not written" >&2
    exit 1
  fi
  sleep 0.1
done
case "$info" in
  *aof_last_bgrewrite_status:ok*) ;;
  *) echo "redis-restore: writing the append-only file failed" >&2; exit 1 ;;
esac
redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
trap - EXIT
wait "$pid" || true
rm -f "$dir/restore.log"
echo "redis-restore: $keys keys restored into $dir (append-only file written)${moved:+; the folder's earlier data is in $aside}"
