#!/bin/sh
# Restore the cluster from a base backup and the WAL archive into a NEW data directory (R22).
#
#   ops/backup/restore.sh <base backup: directory or .tar.gz.gpg> <wal archive dir> <new data dir> \
#       [--target-time '2026-11-22 10:41:07+00'] [--target-name before-release] [--port 5433]
#
# - An encrypted base backup is decrypted (gpg, which needs the backup private key) and
#   unpacked; a WAL archive of *.gpg segments is decrypted into <new data dir>.wal first.
# - Writes recovery.signal and restore_command; with --target-time (PITR) or --target-name
#   (a pg_create_restore_point name) recovery stops just before that moment, otherwise it
#   replays every archived segment. Either way the server then promotes and accepts writes.
# - Never touches the live cluster: the new directory must not exist yet. Start it with
#   pg_ctl -D <new data dir> -l <log> -w start, as the PostgreSQL operating-system user,
#   then check it (ops/backup/checksums.py, manage.py verify_audit, ops/backup/smoke.py).
set -eu
base="${1:?usage: restore.sh <base backup> <wal archive> <new data dir> [options]}"
wal="${2:?wal archive dir}"
data="${3:?new data dir}"
shift 3
target_time=""; target_name=""; port=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target-time) target_time="$2"; shift 2 ;;
        --target-name) target_name="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        *) echo "restore.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -e "$data" ]; then echo "restore.sh: $data already exists; restore into a new directory" >&2; exit 2; fi
mkdir -p "$data"
case "$base" in
    *.gpg) gpg --batch --quiet --decrypt "$base" | tar -C "$data" --strip-components=1 -xzf - ;;
    *) cp -a "$base/." "$data/" ;;
esac
if ls "$wal"/*.gpg >/dev/null 2>&1; then
    mkdir -p "$data.wal"
    for f in "$wal"/*.gpg; do
        gpg --batch --quiet --decrypt --output "$data.wal/$(basename "$f" .gpg)" "$f"
    done
    wal="$data.wal"
fi
rm -f "$data/postmaster.pid" "$data/backup_manifest"
{
    echo "# Restore settings written by ops/backup/restore.sh $(date -u +%FT%TZ)"
    echo "restore_command = 'cp $wal/%f %p'"
    echo "recovery_target_action = 'promote'"
    [ -n "$target_time" ] && echo "recovery_target_time = '$target_time'" && echo "recovery_target_inclusive = off"
    [ -n "$target_name" ] && echo "recovery_target_name = '$target_name'"
    # The restored server must not archive into the live cluster's archive.
    echo "archive_mode = off"
    [ -n "$port" ] && echo "port = $port"
    true
} >> "$data/postgresql.auto.conf"
touch "$data/recovery.signal"
chmod 700 "$data"
echo "$data"
