#!/usr/bin/env bash
# The remote replica over a real network (issue 21): dirsync (bin/dirsync of an unpacked distribution) against
# rsync over ssh, rsync -a -c over ssh and rclone sync (sftp), through NetRelay.java (a round-trip delay and a
# bandwidth cap per direction) in front of the benchmark's own OpenSSH server (sshd.sh). See src/bench/README.md,
# "Over a real network". Root only (sshd, root's login). Usage: src/bench/remote.sh [options]; --help lists them.
set -euo pipefail

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_HOME/../.." && pwd)

SETTINGS="direct 20:100 80:20"
ROWS="copy nomem mem churn big"
TOOLS="dirsync rsync rsync-c rclone rclone-nohash"
RUNS=3
WORK=${BENCH_WORK:-/tmp/dirsync-remote-bench}
DIST=""
FILES=2000
LEAVES=56
TOPS=4
BIG_MIB=64
SEED=42
OUT=""

usage() {
    cat <<EOF
usage: src/bench/remote.sh [options]
  --settings "S..."   network settings, each RTT_MS:MBIT through the relay (MBIT 0 = no cap) or 'direct'
                      (straight to sshd, no relay) (default: $SETTINGS)
  -r, --rows "R..."   copy nomem mem churn big (default: all)
                        copy   first copy of the tree into an absent replica
                        nomem  first --once against that replica, nothing changed, no hash memory (fresh java.io.tmpdir)
                        mem    the same again, with the memory the nomem run left
                        churn  10 changed + 10 added + 10 deleted (0.5% each of 2,000), with the memory of mem
                        big    one ${BIG_MIB} MiB file, first copy
  -T, --tools "X..."  dirsync rsync rsync-c rclone rclone-nohash (default: all); rsync-c runs in the nomem row
                      only; rclone is the sftp backend's defaults, which run md5sum on the server for each file it
                      uploads (slow: a shell start each), rclone-nohash has disable_hashcheck (SFTP requests only)
  -n, --runs N        rounds (default $RUNS); each round runs every row, and in a row every tool, in turn
  -w, --work DIR      work directory (default $WORK, or \$BENCH_WORK)
      --dist DIR      unpacked distribution (DIR/bin/dirsync); default: target/dirsync-*.tar.gz unpacked into WORK/dist
      --files N --leaves N --tops N   the tree's shape (default $FILES files of 1-16 KiB, $LEAVES leaves under $TOPS top directories)
      --big-mib N     size of the big file (default $BIG_MIB)
      --seed N        generator seed (default $SEED)
  -o, --out FILE.csv  results (default WORK/remote-<time>.csv); the table: java src/bench/RemoteReport.java FILE.csv
EOF
    exit "${1:-0}"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --settings) SETTINGS=$2; shift ;;
        -r|--rows) ROWS=$2; shift ;;
        -T|--tools) TOOLS=$2; shift ;;
        -n|--runs) RUNS=$2; shift ;;
        -w|--work) WORK=$2; shift ;;
        --dist) DIST=$2; shift ;;
        --files) FILES=$2; shift ;;
        --leaves) LEAVES=$2; shift ;;
        --tops) TOPS=$2; shift ;;
        --big-mib) BIG_MIB=$2; shift ;;
        --seed) SEED=$2; shift ;;
        -o|--out) OUT=$2; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
    shift
done

for cmd in rsync rclone java ssh /usr/bin/time; do
    command -v "$cmd" >/dev/null || { echo "missing: $cmd (apt-get install -y rsync rclone time openssh-client)" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (its own sshd, root's login)" >&2; exit 2; }
for s in $SETTINGS; do
    [[ $s == direct || $s =~ ^[0-9.]+:[0-9.]+$ ]] || { echo "bad setting '$s': RTT_MS:MBIT or direct" >&2; exit 2; }
done

mkdir -p "$WORK/tmp" "$WORK/logs"
WORK=$(cd "$WORK" && pwd) # absolute: the replicas are named by their path on the server (this host)
[[ $WORK =~ ^[A-Za-z0-9/._-]+$ ]] || { echo "the work directory's path must be plain (letters, digits, /._-): $WORK" >&2; exit 2; }
OUT=${OUT:-$WORK/remote-$(date -u +%Y%m%dT%H%M%SZ).csv}
[[ -f "$OUT" ]] || echo "setting,row,tool,run,seconds,maxrss_kb,load1,ok,note,utc,tool_cpu,server_cpu,relay_cpu,machine_cpu" >"$OUT"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ------------------------------------------------------------------------------------------ distribution
if [[ -z "$DIST" ]]; then
    tarball=$(ls "$REPO"/target/dirsync-*.tar.gz 2>/dev/null | head -1)
    [[ -n "$tarball" ]] || { echo "no target/dirsync-*.tar.gz: run mvn -B -o -q package -DskipTests first" >&2; exit 2; }
    rm -rf "$WORK/dist" && mkdir -p "$WORK/dist"
    tar -xzf "$tarball" -C "$WORK/dist"
    DIST=$(ls -d "$WORK"/dist/dirsync-*/ | head -1)
fi
DIST=$(cd "$DIST" && pwd)
[[ -x "$DIST/bin/dirsync" ]] || { echo "no $DIST/bin/dirsync" >&2; exit 2; }

# ------------------------------------------------------------------------------------------------ trees
javac -d "$WORK/classes" "$BENCH_HOME/GenerateTree.java" "$BENCH_HOME/NetRelay.java"
gen() { java -cp "$WORK/classes" GenerateTree "$@"; }
PRISTINE="$WORK/pristine"
BIG="$WORK/big"
params="seed=$SEED files=$FILES leaves=$LEAVES tops=$TOPS big=$BIG_MIB"
if [[ ! -f "$WORK/params" || "$(cat "$WORK/params")" != "$params" ]]; then
    rm -rf "$PRISTINE" "$BIG"
    gen gen small "$PRISTINE" --seed "$SEED" --files "$FILES" --leaves "$LEAVES" --tops "$TOPS"
    gen gen large "$BIG" --seed "$SEED" --files 1 --scale "$(awk -v m="$BIG_MIB" 'BEGIN { printf "%.10f", m / 1024 }')"
    echo "$params" >"$WORK/params"
fi
SRC="$WORK/src" # a cp -al of pristine per round; the churn row mutates it (by rename, pristine stays)

# ---------------------------------------------------------------------------------------- sshd and relay
SSH_DIR="$WORK/sshd"
RELAY_PID=""
TOOL_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$TOOL_PID" ]]; then kill -TERM "$TOOL_PID" 2>/dev/null || true; wait "$TOOL_PID" 2>/dev/null || true; fi
    if [[ -n "$RELAY_PID" ]]; then kill -TERM "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; fi
    "$BENCH_HOME/sshd.sh" stop "$SSH_DIR" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
SSH_PORT=$("$BENCH_HOME/sshd.sh" start "$SSH_DIR")
SSHD_PID=$(cat "$SSH_DIR/sshd.pid")
KEY="$SSH_DIR/client_key"
CONTROL="$WORK/relay.setting"
echo "0 0" >"$CONTROL"
rm -f "$WORK/relay.port"
# nice -n -10: on a busy machine the relay's threads should keep their times better than the tools they carry
nice -n -10 java -cp "$WORK/classes" NetRelay --to "127.0.0.1:$SSH_PORT" --control "$CONTROL" --port-file "$WORK/relay.port" -v \
    >/dev/null 2>"$WORK/logs/relay.log" &
RELAY_PID=$!
for ((i = 0; i < 200; i++)); do [[ -s "$WORK/relay.port" ]] && break; sleep 0.05; done
[[ -s "$WORK/relay.port" ]] || { echo "the relay did not start: $(cat "$WORK/logs/relay.log")" >&2; exit 1; }
RELAY_PORT=$(cat "$WORK/relay.port")
# One known_hosts for both ports: the host key is the sshd's, the name [127.0.0.1]:PORT that of the port dialled.
KNOWN="$WORK/known_hosts"
hostkey=$(cut -d' ' -f1-2 "$SSH_DIR/ssh_host_ed25519_key.pub")
printf '[127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$SSH_PORT" "$hostkey" "$RELAY_PORT" "$hostkey" >"$KNOWN"
# rclone's sftp remotes, one per port (no connection string: a config file)
RCLONE_CONF="$WORK/rclone.conf"
for name in direct relay direct-nohash relay-nohash; do
    port=$SSH_PORT; [[ $name == relay* ]] && port=$RELAY_PORT
    printf '[%s]\ntype = sftp\nhost = 127.0.0.1\nport = %s\nuser = root\nkey_file = %s\nknown_hosts_file = %s\n' \
        "$name" "$port" "$KEY" "$KNOWN"
    [[ $name == *-nohash ]] && echo "disable_hashcheck = true"
    echo
done >"$RCLONE_CONF"
log "sshd on 127.0.0.1:$SSH_PORT, relay on 127.0.0.1:$RELAY_PORT (log $WORK/logs/relay.log), dist $DIST"

PORT="" REMOTE="" # of the current setting
set_network() { # setting
    if [[ $1 == direct ]]; then
        PORT=$SSH_PORT; REMOTE=direct
    else
        PORT=$RELAY_PORT; REMOTE=relay
        echo "${1%%:*} ${1##*:}" >"$CONTROL.tmp" && mv "$CONTROL.tmp" "$CONTROL"
    fi
}
SSH_E() { echo "ssh -p $PORT -i $KEY -o UserKnownHostsFile=$KNOWN -o StrictHostKeyChecking=yes -o BatchMode=yes"; }

# ------------------------------------------------------------------------------------------------ tools
JTMP="$WORK/jtmp" # dirsync's java.io.tmpdir: its lock and hash memory (dirsync-*.pairs)
fresh_jtmp() { rm -rf "$JTMP"; mkdir -p "$JTMP"; }
has_memory() { compgen -G "$JTMP/dirsync-*.pairs" >/dev/null; }
CMD=()
tool_cmd() { # tool src rep logf; sets CMD
    local tool=$1 src=$2 rep=$3 logf=$4
    case "$tool" in
        dirsync) CMD=(env "DIRSYNC_JAVA_OPTS=-Djava.io.tmpdir=$JTMP" "DIRSYNC_CACHE_DIR=$WORK/cds" "$DIST/bin/dirsync"
                      --once -q --ssh-key "$KEY" --known-hosts "$KNOWN" "$src" "sftp://root@127.0.0.1:$PORT$rep" 1 "$logf") ;;
        rsync) CMD=(rsync -a --delete -e "$(SSH_E)" "$src/" "root@127.0.0.1:$rep/") ;;
        rsync-c) CMD=(rsync -a -c --delete -e "$(SSH_E)" "$src/" "root@127.0.0.1:$rep/") ;;
        rclone) CMD=(env "RCLONE_CONFIG=$RCLONE_CONF" rclone sync "$src" "$REMOTE:$rep") ;;
        rclone-nohash) CMD=(env "RCLONE_CONFIG=$RCLONE_CONF" rclone sync "$src" "$REMOTE-nohash:$rep") ;;
        *) echo "unknown tool $tool" >&2; exit 2 ;;
    esac
}

# A listing of what a mirror must reproduce (as run.sh's): type, path, size, mode and time (whole seconds), link
# target. rclone's sftp backend sets neither modes nor directory times: its listing leaves them out.
listing() { # dir [rclone]
    if [[ ${2:-} == rclone* ]]; then
        (cd "$1" && find . -mindepth 1 \( -type l -printf 'l - %P -> %l\n' \) -o \( -type d -printf 'd %P\n' \) \
            -o \( -type f -printf 'f %T@ %s %P\n' \) | awk '{ sub(/\.[0-9]*$/, "", $2); print }' | LC_ALL=C sort)
    else
        (cd "$1" && find . -mindepth 1 \( -type l -printf 'l - %P -> %l\n' \) -o \( -type d -printf 'd %T@ %m %P\n' \) \
            -o \( -type f -printf 'f %T@ %m %s %P\n' \) | awk '{ sub(/\.[0-9]*$/, "", $2); print }' | LC_ALL=C sort)
    fi
}
# The replica equals the source: the listing, and every file's content (rsync -r -c -n: nothing to do).
same_tree() { # src rep tool
    cmp -s <(listing "$1" "$3") <(listing "$2" "$3") || return 1
    [[ -z "$(rsync -r -c -n -i --delete "$1/" "$2/")" ]]
}

TIME_OUT="$WORK/tmp/time.txt"
record() { # setting row tool run seconds rss load ok note [cpu: tool server relay machine]
    echo "$1,$2,$3,$4,$5,$6,$7,$8,$(tr ',\n' ';;' <<<"$9" | sed 's/;$//'),$(date -u +%Y-%m-%dT%H:%M:%SZ),${10:-},${11:-},${12:-},${13:-}" >>"$OUT"
    log "$1 $2 $3 #$4: ${5}s rss ${6}KB load $7 ok=$8 $9${10:+ cpu s: tool ${10} server ${11} relay ${12} machine ${13}}"
}

# CPU seconds, to say where a run's time went on this one machine, where client, server and relay share the cores:
# a process's own and its reaped children's (/proc/PID/stat utime stime cutime cstime), and the machine's busy time
# (/proc/stat). The sshd listener reaps each session's monitor, which reaped the session and its shell, commands or
# sftp-server: its children's time is the server's whole work, once the session has ended.
ticks() { # pid: utime + stime + cutime + cstime, in clock ticks (0 if gone)
    local f
    f=$(cut -d')' -f2- "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    set -- $f
    echo $((${12} + ${13} + ${14} + ${15}))
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
HZ=$(getconf CLK_TCK)
CPU_BEFORE=()
cpu_mark() { CPU_BEFORE=("$(ticks "$SSHD_PID")" "$(ticks "${RELAY_PID:-0}")" "$(busy_ticks)"); }
CPU_AFTER=() # tool server relay machine, seconds
cpu_since_mark() { # waits (at most 5 s) for the server's sessions to end, so that their time is counted
    local i
    for ((i = 0; i < 100; i++)); do [[ -z "$(pgrep -P "$SSHD_PID")" ]] && break; sleep 0.05; done
    local user sys
    user=$(awk -F': ' '/User time/ {print $2}' "$TIME_OUT"); sys=$(awk -F': ' '/System time/ {print $2}' "$TIME_OUT")
    CPU_AFTER=(
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
        "$(awk -v a="${CPU_BEFORE[0]}" -v b="$(ticks "$SSHD_PID")" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')"
        "$(awk -v a="${CPU_BEFORE[1]}" -v b="$(ticks "${RELAY_PID:-0}")" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')"
        "$(awk -v a="${CPU_BEFORE[2]}" -v b="$(busy_ticks)" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')")
}
# The tool runs in the background and is waited for, so that a signal stops it at once.
timed() { # runs CMD under /usr/bin/time; sets WALL and RC
    local t0 t1
    RC=0
    t0=$(now)
    /usr/bin/time -v -o "$TIME_OUT" "${CMD[@]}" >"$WORK/tmp/stdout" 2>"$WORK/tmp/stderr" &
    TOOL_PID=$!
    wait "$TOOL_PID" || RC=$?
    TOOL_PID=""
    t1=$(now)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

run_tool() { # setting row tool round
    local setting=$1 row=$2 tool=$3 round=$4
    local src=$SRC rep="$WORK/rep/$tool" note=""
    [[ $tool == rsync-c ]] && rep="$WORK/rep/rsync" # the anchor of nomem runs on rsync's replica
    if [[ $row == big ]]; then src=$BIG; rep="$WORK/rep-big/$tool"; fi
    if [[ $row == copy || $row == big ]]; then
        rm -rf "$rep"
        mkdir -p "$(dirname "$rep")"
    elif [[ ! -d "$rep" ]]; then
        note="no replica from the copy row: made with cp -a; "
        mkdir -p "$(dirname "$rep")"
        cp -a "$PRISTINE" "$rep"
    fi
    if [[ $tool == dirsync ]]; then
        case "$row" in
            copy|nomem|big) fresh_jtmp ;;
            mem|churn) has_memory && note+="memory of the run before" || note+="NO memory from the run before" ;;
        esac
    fi
    local logf="$WORK/logs/$setting-$row-$tool-$round.log"
    rm -f "$logf"
    tool_cmd "$tool" "$src" "$rep" "$logf"
    sync
    local load; load=$(load1)
    cpu_mark
    timed
    cpu_since_mark
    local ok=1
    if ((RC != 0)); then ok=0; note+=" exit $RC: $(head -c 300 "$WORK/tmp/stderr")"; fi
    if [[ $tool == dirsync && -f $logf ]]; then
        local counts; counts=$(grep -E "pass 1 finished:" "$logf" | tail -1 | grep -oE '[a-z_]+=[0-9.]+s?' | grep -v '=0$' | paste -sd' ' - || true)
        note+=" $counts"
    fi
    if ! same_tree "$src" "$rep" "$tool"; then
        ok=0
        note+=" replica differs from source (restored locally)"
        listing "$src" "$tool" >"$WORK/logs/$setting-$row-$tool-$round.src.txt"
        listing "$rep" "$tool" >"$WORK/logs/$setting-$row-$tool-$round.rep.txt"
        rsync -a --delete "$src/" "$rep/"
    fi
    local rss; rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TIME_OUT")
    record "$setting" "$row" "$tool" "$round" "$WALL" "$rss" "$load" "$ok" "$note" "${CPU_AFTER[@]}"
}

# The network as OpenSSH's clients see it, before each setting's rounds: 'ssh true' (a login and a command: the
# server starts the login shell, root's start-up files included), an sftp login with one request (no shell), and
# the big file fetched with sftp (OpenSSH's sftp keeps 64 requests of 32 KiB in flight).
check_network() { # setting
    local i load sftp=(sftp -q -P "$PORT" -i "$KEY" -o "UserKnownHostsFile=$KNOWN" -o StrictHostKeyChecking=yes -o BatchMode=yes -b)
    echo pwd >"$WORK/tmp/pwd.batch"
    echo "get $BIG/$(ls "$BIG") /dev/null" >"$WORK/tmp/get.batch"
    for i in 1 2 3; do
        CMD=($(SSH_E) root@127.0.0.1 true)
        load=$(load1)
        timed
        record "$1" ssh-true ssh "$i" "$WALL" "" "$load" "$((RC == 0))" ""
        CMD=("${sftp[@]}" "$WORK/tmp/pwd.batch" root@127.0.0.1)
        load=$(load1)
        timed
        record "$1" sftp-login sftp "$i" "$WALL" "" "$load" "$((RC == 0))" ""
    done
    CMD=("${sftp[@]}" "$WORK/tmp/get.batch" root@127.0.0.1)
    load=$(load1)
    timed
    record "$1" "sftp-get-${BIG_MIB}MiB" sftp 1 "$WALL" "" "$load" "$((RC == 0))" ""
}

# ------------------------------------------------------------------------------------------------- main
START=$(date +%s)
# Two untimed runs of the launcher, as the first two from cron: the first writes its class-data archive at exit,
# the second takes it up.
set_network direct
warm="$WORK/launcher-warmup"
rm -rf "$warm" "$WORK/cds" && mkdir -p "$warm/src" && echo a >"$warm/src/a"
for n in 1 2; do
    fresh_jtmp
    tool_cmd dirsync "$warm/src" "$warm/rep$n" "$warm/log"
    "${CMD[@]}" >/dev/null 2>&1 || { echo "the launcher failed: see $warm/log" >&2; exit 2; }
done
log "results: $OUT; settings: $SETTINGS; rows: $ROWS; tools: $TOOLS; rounds: $RUNS"
log "tree: $(find "$PRISTINE" -type f | wc -l) files, $(find "$PRISTINE" -mindepth 1 -type d | wc -l) directories, $(du -sb "$PRISTINE" | cut -f1) bytes; big: $(du -sb "$BIG" | cut -f1) bytes"
log "$(uptime)"
set -- $TOOLS
NTOOLS=$#
for setting in $SETTINGS; do
    set_network "$setting"
    check_network "$setting"
    for ((round = 1; round <= RUNS; round++)); do
        rm -rf "$SRC" && cp -al "$PRISTINE" "$SRC"
        # cp -al moves every source file's change time (its link count): a pass that starts less than 2 s later
        # trusts none of them (the hash memory's racy rule) and learns nothing, so the rows would measure re-hashing.
        sleep 2
        for row in $ROWS; do
            if [[ $row == churn ]]; then
                gen mutate churn "$SRC" --seed "$SEED" --percent "$(awk -v f="$FILES" 'BEGIN { printf "%.6f", 1000 / f }')" 2>/dev/null
            fi
            # the tools in turn, starting one further each round
            local_tools=($TOOLS)
            for ((k = 0; k < NTOOLS; k++)); do
                tool=${local_tools[$(((k + round - 1) % NTOOLS))]}
                [[ $tool == rsync-c && $row != nomem ]] && continue
                run_tool "$setting" "$row" "$tool" "$round"
            done
        done
    done
done
log "done in $(($(date +%s) - START)) s; results: $OUT"
java "$BENCH_HOME/RemoteReport.java" "$OUT"
