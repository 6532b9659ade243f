#!/usr/bin/env bash
# Run one SQL statement against a lab database given by its Kamailio DB URL;
# prints rows tab-separated, no header.
#   lab/sql.sh sqlite:///abs/path.sqlite "select count(*) from location"
#   lab/sql.sh mysql://kamailio:kamailiorw@127.0.0.1:3307/kam "select ..."
#   lab/sql.sh postgres://kamailio:kamailiorw@127.0.0.1:5433/kam "select ..."
set -euo pipefail
LAB_SCRIPT=sql.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

(($# == 2)) || { sed -n '2,7p' "$0" >&2; exit 2; }
url="$1" q="$2"
re='^(mysql|postgres)://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/([^/?]+)$'
case "$url" in
sqlite://*)
    exec sqlite3 -batch -noheader -separator $'\t' "${url#sqlite://}" "$q" ;;
mysql://*)
    [[ "$url" =~ $re ]] || die "cannot parse $url (mysql://user:pass@host:port/db)"
    exec mariadb --no-defaults -N -B -h "${BASH_REMATCH[4]}" -P "${BASH_REMATCH[5]}" \
        -u "${BASH_REMATCH[2]}" -p"${BASH_REMATCH[3]}" "${BASH_REMATCH[6]}" -e "$q" ;;
postgres://*)
    [[ "$url" =~ $re ]] || die "cannot parse $url (postgres://user:pass@host:port/db)"
    PGPASSWORD="${BASH_REMATCH[3]}" exec psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -h "${BASH_REMATCH[4]}" \
        -p "${BASH_REMATCH[5]}" -U "${BASH_REMATCH[2]}" -d "${BASH_REMATCH[6]}" -c "$q" ;;
*) die "unsupported url $url" ;;
esac
