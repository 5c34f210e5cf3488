#!/usr/bin/env bash
# A benchmark's own OpenSSH server on 127.0.0.1, for run.sh's sftp targets. Needs root (sshd, and the logins are
# root's). See src/bench/README.md, "Over SFTP".
#
#   src/bench/sshd.sh start DIR   keys, config and known_hosts in DIR, sshd on a free port; prints the port
#   src/bench/sshd.sh stop DIR    stops the sshd that 'start DIR' started (and any session it left)
#
# What 'start' leaves in DIR for the clients: client_key (ed25519, no passphrase), known_hosts (one line,
# "[127.0.0.1]:PORT ssh-ed25519 ..."), port. The server's files: ssh_host_ed25519_key, authorized_keys,
# sshd_config, sshd.pid, sshd.log.
set -euo pipefail

SSHD=/usr/sbin/sshd
ADDRESS=127.0.0.1

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
ACTION=$1
DIR=$2

log() { echo "[$(date -u +%H:%M:%S)] sshd: $*" >&2; }

# The pid in DIR/sshd.pid if it is a live sshd started with DIR's config (not some process that reused the pid).
running_pid() {
    local pid
    [[ -f "$DIR/sshd.pid" ]] || return 1
    pid=$(cat "$DIR/sshd.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-f $DIR/sshd_config" || return 1
    echo "$pid"
}

stop() {
    local pid kids
    pid=$(running_pid) || { rm -f "$DIR/sshd.pid"; return 0; }
    # The listener's children are its sessions (and connections still starting); SIGTERM to the listener alone
    # would leave them running.
    kids=$(pgrep -P "$pid" || true)
    log "stopping sshd $pid${kids:+ and its sessions $(echo $kids)}"
    kill -TERM "$pid" $kids 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" $kids 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" $kids 2>/dev/null; then
        log "still running after 5 s: SIGKILL"
        kill -KILL "$pid" $kids 2>/dev/null || true
    fi
    rm -f "$DIR/sshd.pid"
}

# Nothing listens on 127.0.0.1:$1 (connect refused). A port that passes may still be taken before sshd binds it:
# start() then tries another.
port_free() { ! (exec 3<>"/dev/tcp/$ADDRESS/$1") 2>/dev/null; }

write_config() { # port
    cat >"$DIR/sshd_config" <<EOF
# dirsync benchmark's own sshd (src/bench/sshd.sh)
Port $1
ListenAddress $ADDRESS
HostKey "$DIR/ssh_host_ed25519_key"
PidFile "$DIR/sshd.pid"
AuthorizedKeysFile "$DIR/authorized_keys"
# the work directory's parents need not pass sshd's ownership checks
StrictModes no
PubkeyAuthentication yes
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
# dirsync opens several SFTP channels per connection, rsync one connection per run
MaxSessions 64
MaxStartups 128
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
LogLevel VERBOSE
EOF
    # BENCH_SSHD_SKIP_BASHRC=1: a command's shell (bash, started by sshd) skips the login user's ~/.bashrc, as the
    # test suite's server does; root's ~/.bashrc here runs 'pyenv init', seconds per command on a busy machine.
    [[ ${BENCH_SSHD_SKIP_BASHRC:-0} == 1 ]] && echo "SetEnv SHLVL=1" >>"$DIR/sshd_config"
    # OpenSSH 9.8+ penalises clients that fail or disconnect often; a benchmark connects often.
    echo "PerSourcePenalties no" >>"$DIR/sshd_config"
    "$SSHD" -t -f "$DIR/sshd_config" 2>/dev/null || sed -i '$d' "$DIR/sshd_config"
    "$SSHD" -t -f "$DIR/sshd_config" || { log "sshd -t refuses $DIR/sshd_config"; return 1; }
}

start() {
    [[ $(id -u) -eq 0 ]] || { log "needs root (the server runs sshd and logs in as root)"; exit 2; }
    [[ -x "$SSHD" ]] || { log "missing $SSHD (apt-get install -y openssh-server)"; exit 2; }
    command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || { log "missing ssh/ssh-keygen"; exit 2; }
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
    stop # one left by an earlier run that was killed
    mkdir -p /run/sshd # sshd's privilege-separation directory
    chmod 755 /run/sshd
    [[ -f "$DIR/ssh_host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N "" -C dirsync-bench-host -f "$DIR/ssh_host_ed25519_key"
    [[ -f "$DIR/client_key" ]] || ssh-keygen -q -t ed25519 -N "" -C dirsync-bench-client -f "$DIR/client_key"
    cp "$DIR/client_key.pub" "$DIR/authorized_keys"
    chmod 600 "$DIR/authorized_keys" "$DIR/client_key" "$DIR/ssh_host_ed25519_key"
    local attempt port pid="" i
    for ((attempt = 1; attempt <= 10; attempt++)); do
        port=$((20000 + RANDOM % 40000))
        port_free "$port" || continue
        write_config "$port"
        rm -f "$DIR/sshd.pid"
        : >"$DIR/sshd.log"
        # sshd forks into the background; the pid file appears once it listens. If the port was taken meanwhile,
        # it logs that it cannot bind and exits.
        "$SSHD" -f "$DIR/sshd_config" -E "$DIR/sshd.log" || { log "sshd failed: $(tail -3 "$DIR/sshd.log")"; exit 1; }
        for ((i = 0; i < 200; i++)); do
            pid=$(running_pid) && break
            pid=""
            grep -qiE "cannot bind|bind to port" "$DIR/sshd.log" && break
            sleep 0.05
        done
        [[ -n "$pid" ]] && break
        log "port $port: $(tail -1 "$DIR/sshd.log")"
    done
    [[ -n "$pid" ]] || { log "could not start sshd, see $DIR/sshd.log"; exit 1; }
    echo "[$ADDRESS]:$port $(cut -d' ' -f1-2 "$DIR/ssh_host_ed25519_key.pub")" >"$DIR/known_hosts"
    echo "$port" >"$DIR/port"
    # One login with the clients' settings: key, known_hosts line and root login all work.
    if ! ssh -i "$DIR/client_key" -o "UserKnownHostsFile=\"$DIR/known_hosts\"" -o StrictHostKeyChecking=yes \
        -o BatchMode=yes -p "$port" "root@$ADDRESS" true </dev/null; then
        log "test login failed, see $DIR/sshd.log"
        stop
        exit 1
    fi
    log "sshd $pid on $ADDRESS:$port ($("$SSHD" -V 2>&1 | head -1)), files in $DIR"
    echo "$port"
}

case "$ACTION" in
    start) start ;;
    stop) if [[ -d "$DIR" ]]; then DIR=$(cd "$DIR" && pwd); stop; fi ;;
    *) usage ;;
esac
