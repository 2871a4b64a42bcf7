#!/bin/sh
# Daily base backup of the Family Workbook database cluster (R22).
#
#   ops/backup/base_backup.sh /backup/base
#
# Connects as $PGUSER (a role with REPLICATION) to $PGHOST:$PGPORT, writes a plain-format
# copy of the whole cluster to /backup/base/<UTC time>/ with the WAL needed to make it
# consistent (-X stream) and a manifest of SHA-256 checksums, then checks the copy against
# its manifest (pg_verifybackup) before calling it done. Prints the backup's directory.
# WAL archiving (archive_wal.sh) carries the database forward from here to any later moment.
set -eu
root="${1:?usage: base_backup.sh <backup root>}"
PG_BIN="${FWB_PG_BIN:-/usr/lib/postgresql/15/bin}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dest="$root/$stamp"
mkdir -p "$root"
"$PG_BIN/pg_basebackup" -D "$dest.partial" -Fp -X stream --checkpoint=fast \
    --manifest-checksums=SHA256 --label "familyworkbook $stamp" --no-password
"$PG_BIN/pg_verifybackup" --quiet "$dest.partial"
mv "$dest.partial" "$dest"
sync "$root"
echo "$dest"
