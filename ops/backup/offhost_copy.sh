#!/bin/sh
# The encrypted off-host copy (R22): a base backup and the WAL archive, encrypted to the
# council's backup public key, with SHA-256 sums, ready to send to the other site.
#
#   FWB_BACKUP_RECIPIENT=backup@council.example ops/backup/offhost_copy.sh \
#       /backup/base/20261122T060000Z /backup/wal /mnt/offhost
#
# The backup host holds only the PUBLIC key (gpg --import backup-public.asc): it can encrypt
# but never read a copy. The private key lives offline with two named custodians and is
# needed only to restore (docs/operations.md, "Keys").
# - <base backup> becomes <dest>/base/<name>.tar.gz.gpg (tar, gzip, then OpenPGP public-key
#   encryption with AES-256 and an integrity check: a changed byte fails decryption).
# - each WAL segment not yet copied becomes <dest>/wal/<segment>.gpg.
# - <dest>/SHA256SUMS lists every file, for checking after transfer.
# gpg, not `openssl enc`: OpenSSL 3's enc command refuses AEAD ciphers such as AES-256-GCM
# and its CBC mode has no integrity check.
set -eu
base="${1:?usage: offhost_copy.sh <base backup dir> <wal archive dir> <dest dir>}"
wal="${2:?wal archive dir}"
dest="${3:?dest dir}"
recipient="${FWB_BACKUP_RECIPIENT:?set FWB_BACKUP_RECIPIENT to the backup key's user id or fingerprint}"
gpg_enc() { gpg --batch --yes --quiet --trust-model always --cipher-algo AES256 \
    --compress-algo none --encrypt --recipient "$recipient" "$@"; }
mkdir -p "$dest/base" "$dest/wal"
name="$(basename "$base")"
if [ ! -f "$dest/base/$name.tar.gz.gpg" ]; then
    tar -C "$(dirname "$base")" -czf - "$name" | gpg_enc --output "$dest/base/.$name.partial"
    mv "$dest/base/.$name.partial" "$dest/base/$name.tar.gz.gpg"
fi
for segment in "$wal"/*; do
    [ -f "$segment" ] || continue
    seg="$(basename "$segment")"
    [ -f "$dest/wal/$seg.gpg" ] && continue
    gpg_enc --output "$dest/wal/.$seg.partial" "$segment"
    mv "$dest/wal/.$seg.partial" "$dest/wal/$seg.gpg"
done
(cd "$dest" && find base wal -type f ! -name '.*' | sort | xargs sha256sum > SHA256SUMS)
sync "$dest"
echo "$dest"
