#!/bin/sh
# PostgreSQL's archive_command (docker-compose.yml): `courzly-archive-wal %p %f`, run for each
# finished WAL segment. With pgBackRest configured it pushes the segment to the repository;
# otherwise it keeps the segment in a spool directory for the host's backup job to ship.
# Exit 0 only once the segment is safe: PostgreSQL keeps it and retries until then.
set -eu

wal_path=$1
wal_name=$2

if command -v pgbackrest >/dev/null 2>&1 && [ -f "${PGBACKREST_CONFIG:-/etc/pgbackrest/pgbackrest.conf}" ]; then
    exec pgbackrest --stanza="${PGBACKREST_STANZA:-courzly}" archive-push "$wal_path"
fi

spool=${WAL_SPOOL_DIR:-/var/lib/postgresql/wal-spool}
target="$spool/$wal_name"
if [ -f "$target" ]; then
    # Archived before (a retry after a crash): fine if it is the same segment, never overwritten.
    if cmp -s "$wal_path" "$target"; then
        exit 0
    fi
    echo "courzly-archive-wal: $target exists with other content; not overwriting it" >&2
    exit 1
fi
# Copied under a temporary name, then renamed: the shipper never sees half a segment.
cp "$wal_path" "$target.partial"
mv "$target.partial" "$target"
