# shellcheck shell=bash
# Base backups and WAL archiving of a PostgreSQL cluster run by the aixin
# account (deploy/backup, deploy/restore).  Source deploy/lib/common.sh and
# deploy/lib/pg.sh first.
#
# A backup folder DIR holds:
#   DIR/wal/            every WAL segment (and timeline history) the cluster
#                       archived: archive_command copies, fsyncs, renames
#   DIR/base/NAME/      one base backup (pg_basebackup -Ft -z): base.tar.gz,
#                       pg_wal.tar.gz, backup_manifest, and the times it
#                       started and finished (started_at, finished_at: epoch
#                       seconds) so that restore can pick one before a target

# Include archive settings from DATADIR/aixin-archive.conf (written here,
# read after aixin.conf) and recovery settings from aixin-recovery.conf.
aixin_backup_includes() {
  local datadir=$1 name
  for name in aixin-archive.conf aixin-recovery.conf; do
    if ! grep -q "^include_if_exists '$name'" "$datadir/postgresql.conf"; then
      printf "include_if_exists '%s'\n" "$name" | aixin_as_account tee -a "$datadir/postgresql.conf" >/dev/null
    fi
  done
}

# Turn on continuous archiving of DATADIR's WAL into DIR/wal.
aixin_backup_setup_archiving() {
  local datadir=$1 dir=$2
  [[ $dir == /* ]] || aixin_die "the backup folder must be an absolute path: $dir"
  [[ $dir != *"'"* ]] || aixin_die "the backup folder must not contain a quote: $dir"
  mkdir -p "$dir/wal" "$dir/base"
  if aixin_is_root; then
    chown "$AIXIN_USER_ACCOUNT:" "$dir" "$dir/wal" "$dir/base"
  fi
  chmod 0700 "$dir"
  aixin_backup_includes "$datadir"
  # Never overwrite a segment already archived; fsync before the rename, so
  # a crash leaves either nothing or a whole segment under its name.
  aixin_as_account tee "$datadir/aixin-archive.conf" >/dev/null <<CONF
# Written by deploy/backup: continuous WAL archiving into $dir/wal.
wal_level = replica
archive_mode = on
archive_timeout = 60
archive_command = 'test ! -f "$dir/wal/%f" && cp "%p" "$dir/wal/%f.part" && sync "$dir/wal/%f.part" && mv "$dir/wal/%f.part" "$dir/wal/%f"'
CONF
}

# True when DATADIR's running cluster archives WAL.
aixin_backup_archiving_on() {
  local mode
  mode=$(psql -X -At -c 'SHOW archive_mode' 2>/dev/null || true)
  [[ $mode == on ]]
}

# The WAL segment file name holding LSN (hi/lo) on TIMELINE (16 MiB segments).
aixin_backup_segment_of() {
  local timeline=$1 lsn=$2 hi lo
  hi=$((16#${lsn%/*}))
  lo=$((16#${lsn#*/}))
  printf '%08X%08X%08X\n' "$timeline" "$hi" $((lo / 16777216))
}

# Base backups of DIR, oldest first (names sort by time).
aixin_backup_list() {
  local dir=$1 b
  for b in "$dir"/base/*/; do
    [[ -f $b/finished_at ]] && basename "$b"
  done
}

# Keep the newest KEEP base backups of DIR; delete older ones and the WAL
# segments only they needed.
aixin_backup_retain() {
  local dir=$1 keep=$2 all n oldest manifest timeline lsn
  mapfile -t all < <(aixin_backup_list "$dir")
  n=${#all[@]}
  (( n > keep )) || return 0
  local i
  for ((i = 0; i < n - keep; i++)); do
    aixin_log "removing base backup ${all[i]} (keeping the newest $keep)"
    rm -rf "${dir:?}/base/${all[i]}"
  done
  oldest=${all[n - keep]}
  manifest=$dir/base/$oldest/backup_manifest
  timeline=$(sed -n 's/.*"Timeline": *\([0-9]*\).*/\1/p' "$manifest" | head -n 1)
  lsn=$(sed -n 's/.*"Start-LSN": *"\([0-9A-F/]*\)".*/\1/p' "$manifest" | head -n 1)
  [[ -n $timeline && -n $lsn ]] || { aixin_log "no WAL range in $manifest: WAL kept"; return 0; }
  aixin_as_account "$AIXIN_PG_BIN/pg_archivecleanup" "$dir/wal" "$(aixin_backup_segment_of "$timeline" "$lsn")"
}
