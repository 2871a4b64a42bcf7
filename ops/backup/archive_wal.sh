#!/bin/sh
# PostgreSQL archive_command: copy one finished WAL segment into the archive, durably.
#
#   archive_command = '/srv/familyworkbook/ops/backup/archive_wal.sh %p %f /backup/wal'
#
# Exit 0 only once the segment is safely on disk in the archive: PostgreSQL then recycles
# its own copy. Anything else makes PostgreSQL keep the segment and try again.
# - Never overwrite: a segment already archived with the same content is success (a retry
#   after a crash between copy and acknowledgement); different content is an error someone
#   must look at (two servers archiving into one place).
# - Copy to a temporary name, fsync it, then rename, so a crash never leaves half a segment
#   under the real name.
set -eu
src="$1"; name="$2"; dir="$3"
dest="$dir/$name"
if [ -f "$dest" ]; then
    if cmp -s "$src" "$dest"; then exit 0; fi
    echo "archive_wal: $dest already exists with different content; refusing to overwrite" >&2
    exit 1
fi
tmp="$dir/.$name.tmp.$$"
cp "$src" "$tmp"
sync "$tmp"
mv "$tmp" "$dest"
sync "$dir"
