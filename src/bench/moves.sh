#!/usr/bin/env bash
# Moves (issue 24, "Speed"): a synced tree whose top directory is renamed in the source (or moved one level
# deeper, or a single big file renamed), then one timed pass; beside it a no-change pass on the same tree, the
# reference. dirsync (bin/dirsync --once of one or more distributions, each with its hash memory kept from the
# pass before), rsync -a --delete and rclone sync --track-renames, locally and over SFTP through NetRelay.java in
# front of the benchmark's own OpenSSH server (sshd.sh). See src/bench/README.md, "Moves". Root only (sshd, root's
# login). Usage: src/bench/moves.sh [options]; --help lists them.
set -euo pipefail

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_HOME/../.." && pwd)

SETTINGS="local 20:100"
ROWS="rename deeper big"
TOOLS="dirsync rsync rclone"
RUNS=3
WORK=${BENCH_WORK:-/tmp/dirsync-moves-bench}
DISTS=()
SCALE=1
FILES=""
MIB=""
BIG_MIB=""
SEED=42
OUT=""
SKIP_BASHRC=1

usage() {
    cat <<EOF
usage: src/bench/moves.sh [options]
  --settings "S..."   where the replica is: 'local' (a local path), 'direct' (SFTP straight to the sshd) or
                      RTT_MS:MBIT (SFTP through the relay; MBIT 0 = no cap) (default: $SETTINGS)
  -r, --rows "R..."   rename deeper big (default: all); each row times a no-change pass, then the pass after:
                        rename  the top directory renamed:        tree -> tree.moved
                        deeper  the top directory moved deeper:   tree -> archive/tree (archive/ exists)
                        big     the single big file renamed:      big.bin -> big.moved.bin
  -T, --tools "X..."  dirsync rsync rclone (default: all); 'dirsync' is every --dist
  -n, --runs N        rounds (default $RUNS); a round runs every row, and in a row every tool, in turn
  -w, --work DIR      work directory (default $WORK, or \$BENCH_WORK); a plain path
      --dist [LABEL=]DIR   an unpacked distribution (DIR/bin/dirsync), its tool named dirsync-LABEL (plain
                      'dirsync' without a label); repeat to compare builds in one run. Default: the clone's
                      target/dirsync-*.tar.gz unpacked into WORK/dist, as 'dirsync'
      --scale F       the tree: 20,000 x F files, 2 GiB x F in all (the bench's mixed tree); big: 1 GiB x F
                      (default 1)
      --files N --mib M --big-mib M   set those directly (e.g. --files 2000 --mib 20 --big-mib 10 to try it)
      --seed N        generator seed (default $SEED)
      --login-rc      let the server's command shells read root's ~/.bashrc (default: skipped, see README)
  -o, --out FILE.csv  results (default WORK/moves-<time>.csv); the table: java src/bench/MovesReport.java FILE.csv
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
        --dist) DISTS+=("$2"); shift ;;
        --scale) SCALE=$2; shift ;;
        --files) FILES=$2; shift ;;
        --mib) MIB=$2; shift ;;
        --big-mib) BIG_MIB=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --login-rc) SKIP_BASHRC=0 ;;
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
NEED_SSH=0
for s in $SETTINGS; do
    [[ $s == local || $s == direct || $s =~ ^[0-9.]+:[0-9.]+$ ]] || { echo "bad setting '$s': local, direct or RTT_MS:MBIT" >&2; exit 2; }
    [[ $s != local ]] && NEED_SSH=1
done
for r in $ROWS; do
    [[ $r =~ ^(rename|deeper|big)$ ]] || { echo "bad row '$r': rename, deeper or big" >&2; exit 2; }
done
FILES=${FILES:-$(awk -v f="$SCALE" 'BEGIN { printf "%d", (20000 * f < 1 ? 1 : 20000 * f + 0.5) }')}
MIB=${MIB:-$(awk -v f="$SCALE" 'BEGIN { printf "%.6f", 2048 * f }')}
BIG_MIB=${BIG_MIB:-$(awk -v f="$SCALE" 'BEGIN { printf "%.6f", 1024 * f }')}

mkdir -p "$WORK/tmp" "$WORK/logs"
WORK=$(cd "$WORK" && pwd) # absolute: the replicas are named by their path on the server (this host)
[[ $WORK =~ ^[A-Za-z0-9/._-]+$ ]] || { echo "the work directory's path must be plain (letters, digits, /._-): $WORK" >&2; exit 2; }
OUT=${OUT:-$WORK/moves-$(date -u +%Y%m%dT%H%M%SZ).csv}
[[ -f "$OUT" ]] || echo "setting,row,pass,tool,run,seconds,maxrss_kb,load1,ok,note,utc" >"$OUT"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ------------------------------------------------------------------------------------------ distributions
declare -A DIST_OF=() # tool name -> distribution directory
if [[ ${#DISTS[@]} -eq 0 ]]; then
    tarball=$(ls "$REPO"/target/dirsync-*.tar.gz 2>/dev/null | head -1)
    [[ -n "$tarball" ]] || { echo "no target/dirsync-*.tar.gz: run mvn -B -o -q package -DskipTests first, or give --dist" >&2; exit 2; }
    rm -rf "$WORK/dist" && mkdir -p "$WORK/dist"
    tar -xzf "$tarball" -C "$WORK/dist"
    DISTS=("$(ls -d "$WORK"/dist/dirsync-*/ | head -1)")
fi
DIRSYNC_TOOLS=()
for d in "${DISTS[@]}"; do
    name=dirsync dir=$d
    if [[ $d == *=* ]]; then name="dirsync-${d%%=*}"; dir=${d#*=}; fi
    [[ $name =~ ^dirsync(-[A-Za-z0-9._]+)?$ ]] || { echo "bad --dist label in '$d' (letters, digits, ._)" >&2; exit 2; }
    [[ -z "${DIST_OF[$name]:-}" ]] || { echo "two --dist named $name" >&2; exit 2; }
    dir=$(cd "$dir" && pwd)
    [[ -x "$dir/bin/dirsync" ]] || { echo "no $dir/bin/dirsync" >&2; exit 2; }
    DIST_OF[$name]=$dir
    DIRSYNC_TOOLS+=("$name")
done
ALL_TOOLS=()
for t in $TOOLS; do
    case "$t" in
        dirsync) ALL_TOOLS+=("${DIRSYNC_TOOLS[@]}") ;;
        rsync|rclone) ALL_TOOLS+=("$t") ;;
        *) echo "unknown tool $t: dirsync rsync rclone" >&2; exit 2 ;;
    esac
done

# ------------------------------------------------------------------------------------------------ trees
# The source is generated in place and never written afterwards: a move renames in it, the restore renames back,
# so every file keeps its inode, content and times (the dirsync memory knows a source file by its identity).
#   WORK/src/tree/...        the bench's mixed tree (GenerateTree gen mixed), the one moved in rename and deeper
#   WORK/src/archive/keep    a small file: archive/ exists in the synced state, deeper moves tree into it
#   WORK/src-big/big.bin     one file of BIG_MIB MiB (GenerateTree gen large --files 1)
javac -d "$WORK/classes" "$BENCH_HOME/GenerateTree.java" "$BENCH_HOME/NetRelay.java"
gen() { java -cp "$WORK/classes" GenerateTree "$@"; }
SRC="$WORK/src"
SRC_BIG="$WORK/src-big"

# Where each row's move takes its entry: relative paths under the row's root, before and after.
row_root() { if [[ $1 == big ]]; then echo "$SRC_BIG"; else echo "$SRC"; fi; }
row_from() { if [[ $1 == big ]]; then echo big.bin; else echo tree; fi; }
row_to() {
    case "$1" in
        rename) echo tree.moved ;;
        deeper) echo archive/tree ;;
        big) echo big.moved.bin ;;
    esac
}
rep_of() { # tool row
    if [[ $2 == big ]]; then echo "$WORK/rep-big/$1"; else echo "$WORK/rep/$1"; fi
}
# Puts a tree back to the row's original names if a move is found in it (a run stopped between move and restore).
unmove() { # dir row
    local from to
    from=$(row_from "$2") to=$(row_to "$2")
    if [[ -e "$1/$to" && ! -e "$1/$from" ]]; then mv "$1/$to" "$1/$from"; fi
}

params="seed=$SEED files=$FILES mib=$MIB big=$BIG_MIB"
if [[ ! -f "$WORK/params" || "$(cat "$WORK/params")" != "$params" ]]; then
    log "generating the trees ($params)"
    rm -rf "$SRC" "$SRC_BIG" "$WORK/rep" "$WORK/rep-big" "$WORK/jtmp" "$WORK/jtmp-snap"
    gen gen mixed "$SRC/tree" --seed "$SEED" --files "$FILES" --mib "$MIB"
    mkdir -p "$SRC/archive"
    echo "archive/ exists in the synced state: the deeper row moves tree/ into it" >"$SRC/archive/keep"
    touch -d 2026-02-01T00:00:00Z "$SRC/archive/keep" "$SRC/archive" "$SRC"
    gen gen large "$WORK/gen-big" --seed "$SEED" --files 1 --scale "$(awk -v m="$BIG_MIB" 'BEGIN { printf "%.10f", m / 1024 }')"
    mkdir -p "$SRC_BIG"
    mv "$WORK"/gen-big/* "$SRC_BIG/big.bin"
    rm -rf "$WORK/gen-big"
    touch -d 2026-02-01T00:00:00Z "$SRC_BIG"
    echo "$params" >"$WORK/params"
fi
for row in rename deeper big; do unmove "$(row_root "$row")" "$row"; done

# ---------------------------------------------------------------------------------------- sshd and relay
SSH_DIR="$WORK/sshd"
RELAY_PID=""
TOOL_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$TOOL_PID" ]]; then kill -TERM "$TOOL_PID" 2>/dev/null || true; wait "$TOOL_PID" 2>/dev/null || true; fi
    if [[ -n "$RELAY_PID" ]]; then kill -TERM "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; fi
    [[ $NEED_SSH == 1 ]] && { "$BENCH_HOME/sshd.sh" stop "$SSH_DIR" || true; }
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
KEY="$SSH_DIR/client_key"
KNOWN="$WORK/known_hosts"
RCLONE_CONF="$WORK/rclone.conf"
CONTROL="$WORK/relay.setting"
SSH_PORT="" RELAY_PORT=""
if [[ $NEED_SSH == 1 ]]; then
    SSH_PORT=$(BENCH_SSHD_SKIP_BASHRC=$SKIP_BASHRC "$BENCH_HOME/sshd.sh" start "$SSH_DIR")
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
    hostkey=$(cut -d' ' -f1-2 "$SSH_DIR/ssh_host_ed25519_key.pub")
    printf '[127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$SSH_PORT" "$hostkey" "$RELAY_PORT" "$hostkey" >"$KNOWN"
    log "sshd on 127.0.0.1:$SSH_PORT, relay on 127.0.0.1:$RELAY_PORT (log $WORK/logs/relay.log)"
fi
# rclone's sftp remotes, one per port, in a config file (never a connection string). The sftp backend's
# defaults: it finds md5sum/sha1sum on the server and runs them for the hashes --track-renames matches by.
for name in direct relay; do
    port=$SSH_PORT; [[ $name == relay ]] && port=$RELAY_PORT
    printf '[%s]\ntype = sftp\nhost = 127.0.0.1\nport = %s\nuser = root\nkey_file = %s\nknown_hosts_file = %s\n\n' \
        "$name" "$port" "$KEY" "$KNOWN"
done >"$RCLONE_CONF"

SETTING="" PORT="" REMOTE="" # of the current setting
set_network() { # setting
    SETTING=$1
    case "$1" in
        local) PORT=""; REMOTE="" ;;
        direct) PORT=$SSH_PORT; REMOTE=direct ;;
        *) PORT=$RELAY_PORT; REMOTE=relay
           echo "${1%%:*} ${1##*:}" >"$CONTROL.tmp" && mv "$CONTROL.tmp" "$CONTROL" ;;
    esac
}
SSH_E() { echo "ssh -p $PORT -i $KEY -o UserKnownHostsFile=$KNOWN -o StrictHostKeyChecking=yes -o BatchMode=yes"; }

# ------------------------------------------------------------------------------------------------ tools
# dirsync's java.io.tmpdir (its lock and hash memory, dirsync-*.pairs): one per setting, tool and row, so that
# each replica's memory lives apart and a row's snapshot (below) holds only its own.
jtmp_of() { echo "$WORK/jtmp/$SETTING/$1/$2"; } # tool row
CMD=()
tool_cmd() { # tool row src rep logf; sets CMD
    local tool=$1 row=$2 src=$3 rep=$4 logf=$5
    case "$tool" in
        dirsync*)
            CMD=(env "DIRSYNC_JAVA_OPTS=-Djava.io.tmpdir=$(jtmp_of "$tool" "$row")" "DIRSYNC_CACHE_DIR=$WORK/cds/$tool"
                 "${DIST_OF[$tool]}/bin/dirsync" --once -q)
            if [[ $SETTING == local ]]; then
                CMD+=("$src" "$rep" 1 "$logf")
            else
                CMD+=(--ssh-key "$KEY" --known-hosts "$KNOWN" "$src" "sftp://root@127.0.0.1:$PORT$rep" 1 "$logf")
            fi ;;
        rsync)
            if [[ $SETTING == local ]]; then
                CMD=(rsync -a --delete --stats "$src/" "$rep/")
            else
                CMD=(rsync -a --delete --stats -e "$(SSH_E)" "$src/" "root@127.0.0.1:$rep/")
            fi ;;
        rclone)
            if [[ $SETTING == local ]]; then
                CMD=(env "RCLONE_CONFIG=$RCLONE_CONF" rclone sync --track-renames -v "$src" "$rep")
            else
                CMD=(env "RCLONE_CONFIG=$RCLONE_CONF" rclone sync --track-renames -v "$src" "$REMOTE:$rep")
            fi ;;
    esac
}

# A listing of what a mirror must reproduce (as remote.sh's): type, path, size, mode and time (whole seconds),
# link target. rclone sets neither modes (without --metadata) nor directory times: its listing leaves them out.
listing() { # dir [tool]
    if [[ ${2:-} == rclone ]]; then
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
record() { # row pass tool run seconds rss load ok note
    echo "$SETTING,$1,$2,$3,$4,$5,$6,$7,$8,$(tr ',\n' ';;' <<<"$9" | sed 's/;$//'),$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$OUT"
    log "$SETTING $1 $2 $3 #$4: ${5}s rss ${6}KB load $7 ok=$8 $9"
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
# dirsync's summary counts that are not 0, and the pass's own duration=
summary() { # logf
    [[ -f $1 ]] || return 0
    grep -E "pass 1 finished:" "$1" | tail -1 | grep -oE '[a-z_]+=[0-9.]+[a-zA-Z]*' | grep -vE '=0(\.0+)?$' | paste -sd' ' - || true
}

# Before a row's passes for one tool: the replica as the last synced state left it, i.e. equal to the source.
# A replica the tool left moved is renamed back (as the source was); a missing one is made with cp -a; then
# rsync -a --delete (untimed, local) puts back what a rename touched (the parent directory's time) and anything a
# failed run left. For dirsync, the memory of the row's first good no-change pass is put back (a copy of its
# .pairs files, see README) and then one untimed --once brings it up to date: the memory the timed passes start
# from is always the one the pass before them saved.
prepare() { # tool row round
    local tool=$1 row=$2 round=$3 src rep
    src=$(row_root "$row") rep=$(rep_of "$tool" "$row")
    if [[ -d "$rep" ]]; then
        unmove "$rep" "$row"
    else
        mkdir -p "$(dirname "$rep")"
        cp -a "$src" "$rep"
    fi
    rsync -a --delete "$src/" "$rep/"
    if [[ $tool == dirsync* ]]; then
        local jtmp snap
        jtmp=$(jtmp_of "$tool" "$row") snap="$WORK/jtmp-snap/$SETTING/$tool/$row"
        mkdir -p "$jtmp"
        if [[ -d "$snap" ]]; then
            rm -f "$jtmp"/dirsync-*.pairs
            cp -p "$snap"/dirsync-*.pairs "$jtmp"/ 2>/dev/null || true
        fi
        local logf="$WORK/logs/$SETTING-$row-prime-$tool-$round.log"
        rm -f "$logf"
        tool_cmd "$tool" "$row" "$src" "$rep" "$logf"
        timed
        ((RC == 0)) || log "$SETTING $row $tool #$round: the untimed prime pass exited $RC: $(head -c 300 "$WORK/tmp/stderr")"
        log "$SETTING $row $tool #$round: prime ${WALL}s $(summary "$logf")"
    fi
}

# One timed pass of one tool and the check of its replica; a replica that differs is reported (ok=0), not timed.
run_pass() { # row pass tool round
    local row=$1 pass=$2 tool=$3 round=$4 src rep note=""
    src=$(row_root "$row") rep=$(rep_of "$tool" "$row")
    local logf="$WORK/logs/$SETTING-$row-$pass-$tool-$round.log"
    rm -f "$logf"
    tool_cmd "$tool" "$row" "$src" "$rep" "$logf"
    if [[ $tool == dirsync* ]]; then
        compgen -G "$(jtmp_of "$tool" "$row")/dirsync-*.pairs" >/dev/null && note="memory kept;" || note="NO memory;"
    fi
    sync
    local load; load=$(load1)
    timed
    local ok=1
    if ((RC != 0)); then ok=0; note+=" exit $RC: $(head -c 300 "$WORK/tmp/stderr")"; fi
    case "$tool" in
        dirsync*) note+=" $(summary "$logf")" ;;
        rsync) note+="$(awk -F': ' '{ gsub(",", "", $2) } /^Number of regular files transferred/ { printf " files_sent=%s", $2 }
                                    /^Total transferred file size/ { split($2, a, " "); printf " bytes_sent=%s", a[1] }' "$WORK/tmp/stdout")" ;;
        rclone) note+=" renamed=$(grep -c 'Renamed from' "$WORK/tmp/stderr" || true) copied=$(grep -c 'Copied (' "$WORK/tmp/stderr" || true)" ;;
    esac
    if ! same_tree "$src" "$rep" "$tool"; then
        ok=0
        note+=" replica differs from source"
        listing "$src" "$tool" >"$WORK/logs/$SETTING-$row-$pass-$tool-$round.src.txt"
        listing "$rep" "$tool" >"$WORK/logs/$SETTING-$row-$pass-$tool-$round.rep.txt"
    fi
    local rss; rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TIME_OUT")
    record "$row" "$pass" "$tool" "$round" "$WALL" "$rss" "$load" "$ok" "$note"
    # the memory of the first good no-change pass, put back before each later round's prime pass
    if [[ $tool == dirsync* && $pass == nochange && $ok == 1 ]]; then
        local snap="$WORK/jtmp-snap/$SETTING/$tool/$row"
        if [[ ! -d "$snap" ]]; then
            mkdir -p "$snap"
            cp -p "$(jtmp_of "$tool" "$row")"/dirsync-*.pairs "$snap"/ 2>/dev/null || true
        fi
    fi
}

# ------------------------------------------------------------------------------------------------- main
START=$(date +%s)
# Two untimed runs of each launcher, as the first two from cron: the first writes its class-data archive at exit,
# the second takes it up.
warm="$WORK/launcher-warmup"
rm -rf "$warm" "$WORK/cds" "$WORK/jtmp/warmup" && mkdir -p "$warm/src" && echo a >"$warm/src/a"
SETTING=local
for tool in "${DIRSYNC_TOOLS[@]}"; do
    for n in 1 2; do
        tool_cmd "$tool" warmup "$warm/src" "$warm/rep-$tool-$n" "$warm/log"
        mkdir -p "$(jtmp_of "$tool" warmup)"
        "${CMD[@]}" >/dev/null 2>&1 || { echo "the launcher of $tool failed: see $warm/log" >&2; exit 2; }
    done
done
rm -rf "$WORK/jtmp/local/"*/warmup
log "results: $OUT; settings: $SETTINGS; rows: $ROWS; tools: ${ALL_TOOLS[*]}; rounds: $RUNS"
for t in "${DIRSYNC_TOOLS[@]}"; do log "$t: ${DIST_OF[$t]}"; done
log "tree: $(find "$SRC/tree" -type f | wc -l) files, $(find "$SRC/tree" -mindepth 1 -type d | wc -l) directories, $(du -sb "$SRC/tree" | cut -f1) bytes; big: $(du -sb "$SRC_BIG" | cut -f1) bytes"
log "$(uptime)"
NTOOLS=${#ALL_TOOLS[@]}
for setting in $SETTINGS; do
    set_network "$setting"
    for ((round = 1; round <= RUNS; round++)); do
        for row in $ROWS; do
            root=$(row_root "$row") from=$(row_from "$row") to=$(row_to "$row")
            order=()
            for ((k = 0; k < NTOOLS; k++)); do order+=("${ALL_TOOLS[$(((k + round - 1) % NTOOLS))]}"); done
            # the reference: a no-change pass on the synced tree, each tool from its own last synced state
            for tool in "${order[@]}"; do
                prepare "$tool" "$row" "$round"
                run_pass "$row" nochange "$tool" "$round"
            done
            # the move, once in the source, then each tool's pass after it
            mv "$root/$from" "$root/$to"
            for tool in "${order[@]}"; do
                run_pass "$row" moved "$tool" "$round"
            done
            # back to the synced state: the source renamed back (prepare renames each replica back)
            mv "$root/$to" "$root/$from"
        done
    done
done
log "done in $(($(date +%s) - START)) s; results: $OUT"
java "$BENCH_HOME/MovesReport.java" "$OUT"
