# shellcheck shell=bash
# Shared helpers for the kamscope lab scripts (sourced, not executed).
# shellcheck disable=SC2034  # used by the scripts that source this file
LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# lab_run_dir: where the lab keeps its runtime data (databases, Kamailio instances,
# SIPp logs). $KAMSCOPE_LAB_DIR if set; else lab/run when the database servers'
# users (mysql, postgres) can reach it; else, when the clone sits under a directory
# others cannot enter (root's home is mode 700 on Debian), a directory outside the
# clone, keyed by the clone's path so two clones never share one:
#   /var/lib/kamscope-lab/<clone name>-<hash of its path>
# lab/run then is a symlink to it, so lab/run/... paths keep working.
lab_run_dir() {
    LAB_RUN_WHY=""
    if [[ -n "${KAMSCOPE_LAB_DIR:-}" ]]; then
        LAB_RUN="$KAMSCOPE_LAB_DIR" LAB_RUN_WHY="KAMSCOPE_LAB_DIR"
        return
    fi
    LAB_RUN="$LAB_DIR/run"
    # Only root starts the lab's database servers as their own users.
    [[ $(id -u) == 0 ]] || return 0
    # Every directory above lab/ must be searchable by others (the mysql and postgres
    # users are neither owner nor group of a clone). One stat call for all of them.
    local d="$LAB_DIR" dirs=() modes m
    while [[ "$d" != / ]]; do dirs+=("$d"); d="$(dirname "$d")"; done
    modes="$(stat -L -c %A "${dirs[@]}" 2>/dev/null)" || return 0
    for m in $modes; do
        [[ "${m:9:1}" == x || "${m:9:1}" == t ]] && continue
        local root key
        root="$(dirname "$LAB_DIR")"
        key="$(basename "$root")-$(printf '%s' "$root" | sha256sum | cut -c1-12)"
        LAB_RUN="/var/lib/kamscope-lab/$key"
        LAB_RUN_WHY="$root is not reachable by the database users"
        if [[ ! -d "$LAB_RUN" ]]; then
            install -d -m 755 /var/lib/kamscope-lab "$LAB_RUN"
            printf '[%s %s] lab run directory: %s (%s)\n' "$(date +%H:%M:%S)" "${LAB_SCRIPT:-lab}" "$LAB_RUN" "$LAB_RUN_WHY" >&2
        fi
        # A convenience link for people and for lab/run/... paths; never replaces a real directory.
        [[ -e "$LAB_DIR/run" || -L "$LAB_DIR/run" ]] || ln -s "$LAB_RUN" "$LAB_DIR/run" 2>/dev/null || true
        return 0
    done
}
lab_run_dir
LAB_BUILD="$LAB_DIR/build"
LAB_TZ="${KAMSCOPE_LAB_TZ:-Asia/Shanghai}"

log()  { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "${LAB_SCRIPT:-lab}" "$*" >&2; }
die()  { printf '[%s %s] ERROR: %s\n' "$(date +%H:%M:%S)" "${LAB_SCRIPT:-lab}" "$*" >&2; exit 1; }

# pid_alive PID -> true if the process exists and is not a zombie
pid_alive() {
    local pid="$1" st
    [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -d /proc/$pid ]] || return 1
    st=$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# kill_pid_wait PID [timeout_s] [use_group 0|1]: TERM, wait, then KILL.
kill_pid_wait() {
    local pid="$1" t="${2:-15}" grp="${3:-0}" i
    pid_alive "$pid" || return 0
    if [[ "$grp" == 1 ]]; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    else kill -TERM "$pid" 2>/dev/null || true; fi
    for ((i = 0; i < t * 10; i++)); do
        pid_alive "$pid" || break
        sleep 0.1
    done
    if pid_alive "$pid"; then
        log "pid $pid did not stop after ${t}s, sending KILL"
        if [[ "$grp" == 1 ]]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    if [[ "$grp" == 1 ]]; then
        # wait for the rest of the process group (kamailio children)
        for ((i = 0; i < t * 10; i++)); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    return 0
}

# tcp_port_busy PORT -> true if something listens on 127.0.0.1:PORT
tcp_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# need_cmd cmd... -> fail clearly if missing
need_cmd() {
    local c
    for c in "$@"; do command -v "$c" >/dev/null 2>&1 || die "'$c' not found: run lab/install.sh first"; done
}
