#!/usr/bin/env bash
# dirsync benchmark runner: dirsync (--once and periodic) against cp -a and rsync on seeded trees, locally and
# over SFTP to a server of its own on 127.0.0.1 (against rsync over ssh).
# See src/bench/README.md. Usage: src/bench/run.sh [options]; --help lists them.
set -euo pipefail

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_HOME/../.." && pwd)

TREES="real"
SCENARIOS="initial nochange rewrite churn"
TOOLS="dirsync-once dirsync-periodic cp rsync rsync-c rsync-c-md5"
RUNS=3
SCALE=1
SEED=42
WORK=${BENCH_WORK:-/tmp/dirsync-bench}
SETTLE=60
TRASH_MAX_GB=6
JAR="$REPO/target/dirsync.jar"
WARM=1
KEEP=0
JAVA_OPTS=""
LAUNCHER=""
OUT=""

usage() {
    cat <<EOF
usage: src/bench/run.sh [options]
  -t, --trees "T..."      trees: small large mixed real (default: $TREES)
  -s, --scenarios "S..."  initial nochange rewrite churn (default: all)
  -T, --tools "X..."      dirsync-once dirsync-periodic cp rsync rsync-c rsync-c-md5 [dirsync-once-primed rsync-fsync]
                          (default: all but the last two; cp runs in the initial scenario only,
                          dirsync-once-primed in the others only)
                          over SFTP (not in the default; root only: the run starts its own sshd on 127.0.0.1):
                          dirsync-sftp-once dirsync-sftp-once-primed dirsync-sftp-periodic rsync-ssh
  -n, --runs N            timed runs per cell (default $RUNS)
  -S, --scale F           tree size factor, e.g. 0.1 for a quick run (default $SCALE; 'real' ignores it)
      --seed N            generator seed (default $SEED)
  -w, --work DIR          where trees and replicas live (default $WORK, or \$BENCH_WORK)
      --settle SEC        wait after mass deletions before a timed run (default $SETTLE)
      --trash-max GB      keep at most this many GB of used replicas before deleting them (default $TRASH_MAX_GB)
      --jar PATH          dirsync jar (default target/dirsync.jar)
      --java-opts "O..."  JVM options for dirsync, split on blanks (default none: java -jar's defaults;
                          bin/dirsync's are "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30")
      --launcher DIR      run dirsync as bin/dirsync of the unpacked distribution DIR (its JVM options, its
                          class-data archive in WORK/cds, made by two untimed runs first) instead of java -jar;
                          --jar and --java-opts are then not used
      --cold              do not re-read the trees before each run (the page cache is whatever it is)
      --keep              keep the trees under the work directory at the end (default: delete them)
  -o, --out FILE.csv      raw results (default WORK/results-<time>.csv)
EOF
    exit "${1:-0}"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        -t|--trees) TREES=$2; shift ;;
        -s|--scenarios) SCENARIOS=$2; shift ;;
        -T|--tools) TOOLS=$2; shift ;;
        -n|--runs) RUNS=$2; shift ;;
        -S|--scale) SCALE=$2; shift ;;
        --seed) SEED=$2; shift ;;
        -w|--work) WORK=$2; shift ;;
        --settle) SETTLE=$2; shift ;;
        --trash-max) TRASH_MAX_GB=$2; shift ;;
        --jar) JAR=$2; shift ;;
        --java-opts) JAVA_OPTS=$2; shift ;;
        --launcher) LAUNCHER=$2; shift ;;
        --cold) WARM=0 ;;
        --keep) KEEP=1 ;;
        -o|--out) OUT=$2; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
    shift
done

for cmd in rsync java javac /usr/bin/time cp find; do
    command -v "$cmd" >/dev/null || { echo "missing: $cmd (apt-get install -y rsync time)" >&2; exit 2; }
done
if [[ -n "$LAUNCHER" ]]; then
    [[ -x "$LAUNCHER/bin/dirsync" ]] || { echo "no $LAUNCHER/bin/dirsync: unpack target/dirsync-*.tar.gz there" >&2; exit 2; }
    LAUNCHER=$(cd "$LAUNCHER" && pwd)
    JAR="$LAUNCHER/lib/dirsync.jar"
fi
[[ -f "$JAR" ]] || { echo "no $JAR: run mvn -B -q package -DskipTests first" >&2; exit 2; }
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
REMOTE=0
for tool in $TOOLS; do [[ $tool == dirsync-sftp-* || $tool == rsync-ssh ]] && REMOTE=1; done

mkdir -p "$WORK/logs" "$WORK/tmp"
WORK=$(cd "$WORK" && pwd) # absolute: the sftp replicas are named by their path on the server (this host)
OUT=${OUT:-$WORK/results-$(date -u +%Y%m%dT%H%M%SZ).csv}
[[ -f "$OUT" ]] || echo "tree,scale,scenario,tool,run,seconds,wall_s,reported_s,maxrss_kb,load1,ok,note,utc" >"$OUT"
CLASSES="$WORK/classes"
javac -d "$CLASSES" "$BENCH_HOME/GenerateTree.java"
gen() { java -cp "$CLASSES" GenerateTree "$@"; }

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
now() { date +%s.%N; }

# ------------------------------------------------------------------------------------------------- sshd
# The sftp targets talk to an sshd of this run's own (src/bench/sshd.sh): 127.0.0.1, a free port, its own keys,
# stopped when the run ends, also on an error or Ctrl-C.
SSH_DIR="$WORK/sshd"
SSH_PORT=""
SSH_KEY="$SSH_DIR/client_key"
SSH_KNOWN="$SSH_DIR/known_hosts"
SSH_HOST=127.0.0.1
# The tools run in the background while the runner waits for them (run_waited, run_periodic): a signal to the
# runner then acts at once, not when the tool is done (a prime over SFTP takes minutes), and the tool is stopped.
TOOL_PID=""
run_waited() { # command...: runs it in the background, waits, returns its exit status
    "$@" &
    TOOL_PID=$!
    local rc=0
    wait "$TOOL_PID" || rc=$?
    TOOL_PID=""
    return "$rc"
}
stop_tool() { # SIGTERM to the tool's children (the JVM under /usr/bin/time), then to it if still there
    local pid=$1 p i
    for p in $(pgrep -P "$pid") "$pid"; do
        kill -TERM "$p" 2>/dev/null || continue
        for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    done
}
cleanup() {
    [[ -n "$TOOL_PID" ]] && stop_tool "$TOOL_PID"
    ((REMOTE)) && { "$BENCH_HOME/sshd.sh" stop "$SSH_DIR" || true; }
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
((REMOTE)) && SSH_PORT=$("$BENCH_HOME/sshd.sh" start "$SSH_DIR")
# The sftp:// address of a replica on this host: its absolute path, percent-escaped (byte by byte) but for
# [A-Za-z0-9._-/].
sftp_uri() (
    LC_ALL=C
    local path=$1 out="" c i
    for ((i = 0; i < ${#path}; i++)); do
        c=${path:i:1}
        case "$c" in
            [A-Za-z0-9._/-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    echo "sftp://root@$SSH_HOST:$SSH_PORT$out"
)

LAST_DELETE=0
# Delete big trees; remember when, so that timed runs wait for the file system to recover (see README).
mass_delete() {
    local d
    for d in "$@"; do
        [[ -e "$d" ]] || continue
        log "deleting $d"
        rm -rf -- "$d"
        LAST_DELETE=$(date +%s)
    done
}
settle() {
    local wait=$((LAST_DELETE + SETTLE - $(date +%s)))
    if ((wait > 0)); then
        log "settling ${wait}s after mass deletion"
        sleep "$wait"
    fi
}
warm() {
    ((WARM)) || return 0
    local d
    for d in "$@"; do
        [[ -d "$d" ]] && find "$d" -type f -exec cat {} + >/dev/null 2>&1 || true
    done
}
load1() { cut -d' ' -f1 /proc/loadavg; }

# A listing of what a mirror must reproduce: type, path, file size, mode and time (whole seconds; not for links),
# link target. Directory sizes are left out (they depend on the directory's history).
listing() {
    (cd "$1" && find . -mindepth 1 \( -type l -printf 'l - %P -> %l\n' \) -o \( -type d -printf 'd %T@ %m %P\n' \) \
        -o \( -type f -printf 'f %T@ %m %s %P\n' \) | awk '{ sub(/\.[0-9]*$/, "", $2); print }' | LC_ALL=C sort)
}
same_tree() { cmp -s <(listing "$1") <(listing "$2"); }

# ------------------------------------------------------------------------------------------------- trees

TREE_DIR=""
tree_bytes=0
prepare_tree() {
    local tree=$1
    TREE_DIR="$WORK/$tree"
    local params="$tree seed=$SEED scale=$SCALE"
    [[ $tree == real ]] && params="real"
    if [[ -f "$TREE_DIR/params" && "$(cat "$TREE_DIR/params")" == "$params" ]]; then
        log "reusing $TREE_DIR/pristine ($params)"
    else
        mass_delete "$TREE_DIR"
        mkdir -p "$TREE_DIR"
        log "generating $TREE_DIR/pristine ($params)"
        if [[ $tree == real ]]; then
            local jdk=${BENCH_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
            [[ -d $jdk ]] || jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
            mkdir -p "$TREE_DIR/pristine"
            cp -a "$jdk" "$TREE_DIR/pristine/jdk"
            cp -a /usr/share/doc "$TREE_DIR/pristine/doc"
        else
            gen gen "$tree" "$TREE_DIR/pristine" --seed "$SEED" --scale "$SCALE"
        fi
        echo "$params" >"$TREE_DIR/params"
    fi
    # Mutated sources share the pristine files through hard links; the mutations replace files by rename.
    local kind
    for kind in rewrite churn; do
        if [[ " $SCENARIOS " == *" $kind "* && ! -d "$TREE_DIR/src-$kind" ]]; then
            cp -al "$TREE_DIR/pristine" "$TREE_DIR/src-$kind.tmp"
            gen mutate "$kind" "$TREE_DIR/src-$kind.tmp" --seed "$SEED"
            mv "$TREE_DIR/src-$kind.tmp" "$TREE_DIR/src-$kind"
        fi
    done
    tree_bytes=$(du -sb "$TREE_DIR/pristine" | cut -f1)
    log "$tree: $(find "$TREE_DIR/pristine" -type f | wc -l) files, $(find "$TREE_DIR/pristine" -type d | wc -l) dirs, $tree_bytes bytes"
}

# Used replicas of the initial scenario go to a trash directory, deleted in bulk (then a settle) when it is full,
# so that not every initial-copy run has to wait a minute after deleting the previous one.
trash_bytes=0
trash() {
    mkdir -p "$WORK/trash"
    mv "$1" "$WORK/trash/$(date +%s%N)"
    trash_bytes=$((trash_bytes + tree_bytes))
    if ((trash_bytes > TRASH_MAX_GB * 1024 * 1024 * 1024)); then
        empty_trash
    fi
}
empty_trash() {
    mass_delete "$WORK/trash"
    trash_bytes=0
}

# --------------------------------------------------------------------------------------------- one run

REP=""
# Replica state before a timed run: absent for 'initial'; otherwise equal to the pristine tree. A replica that a
# run has synced to a mutated source is brought back with a quick-check rsync (every mutated file differs from
# pristine in size or time, so nothing is missed), cheaper than a new copy and no mass deletion.
prepare_replica() {
    local scenario=$1
    REP="$TREE_DIR/replica"
    if [[ $scenario == initial ]]; then
        [[ -e "$REP" ]] && trash "$REP"
    elif [[ -d "$REP" ]]; then
        rsync -a --delete "$TREE_DIR/pristine/" "$REP/"
    else
        cp -a "$TREE_DIR/pristine" "$REP"
    fi
    sync
}

source_for() {
    case "$1" in
        initial|nochange) echo "$TREE_DIR/pristine" ;;
        *) echo "$TREE_DIR/src-$1" ;;
    esac
}

TIME_OUT="$WORK/tmp/time.txt"
maxrss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$TIME_OUT"; }
summary_duration() { # the duration= of the Nth 'pass N finished' line of a log
    grep -E "pass $2 finished:" "$1" | tail -1 | sed -E 's/.*duration=([0-9.]+)s.*/\1/'
}
summary_counts() { # the non-zero counts of pass n's summary line, for the note column
    grep -E "pass $2 finished:" "$1" | tail -1 | grep -oE '[a-z_]+=[0-9]+' | grep -v '=0$' | grep -v duration | paste -sd' ' - || true
}
record() { # tree scenario tool run seconds wall reported rss load ok note
    echo "$1,$SCALE,$2,$3,$4,$5,$6,$7,$8,$9,${10},${11},$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$OUT"
    log "$1 $2 $3 #$4: ${5}s (wall ${6}s, reported ${7:-}s) rss ${8}KB load $9 ok=${10} ${11}"
}

# dirsync keeps its lock and, in newer builds, its verified-hash memory (dirsync-*.pairs) in java.io.tmpdir:
# every dirsync run gets an empty one, so that no run inherits what an earlier one saved.
JTMP="$WORK/jtmp"
fresh_jtmp() { rm -rf "$JTMP"; mkdir -p "$JTMP"; }
has_memory() { compgen -G "$JTMP/dirsync-*.pairs" >/dev/null; }

CMD=()
tool_cmd() { # sets CMD
    local tool=$1 src=$2 rep=$3 logf=$4
    local dirsync=(java $JAVA_OPTS "-Djava.io.tmpdir=$JTMP" -jar "$JAR")
    if [[ -n "$LAUNCHER" ]]; then
        dirsync=(env "DIRSYNC_JAVA_OPTS=-Djava.io.tmpdir=$JTMP" "DIRSYNC_CACHE_DIR=$WORK/cds" "$LAUNCHER/bin/dirsync")
    fi
    local remote=(--ssh-key "$SSH_KEY" --known-hosts "$SSH_KNOWN")
    case "$tool" in
        dirsync-once|dirsync-once-primed) CMD=("${dirsync[@]}" --once -q "$src" "$rep" 1 "$logf") ;;
        dirsync-periodic) CMD=("${dirsync[@]}" -q "$src" "$rep" 1 "$logf") ;;
        dirsync-sftp-once|dirsync-sftp-once-primed) CMD=("${dirsync[@]}" --once -q "${remote[@]}" "$src" "$(sftp_uri "$rep")" 1 "$logf") ;;
        dirsync-sftp-periodic) CMD=("${dirsync[@]}" -q "${remote[@]}" "$src" "$(sftp_uri "$rep")" 1 "$logf") ;;
        rsync-ssh) CMD=(rsync -a --delete -e "ssh -i '$SSH_KEY' -o 'UserKnownHostsFile=\"$SSH_KNOWN\"' -o StrictHostKeyChecking=yes -o BatchMode=yes -p $SSH_PORT" "$src/" "root@$SSH_HOST:$rep/") ;;
        cp) CMD=(cp -a "$src" "$rep") ;;
        rsync) CMD=(rsync -a --delete "$src/" "$rep/") ;;
        rsync-c) CMD=(rsync -a --delete --checksum "$src/" "$rep/") ;;
        rsync-c-md5) CMD=(rsync -a --delete --checksum --checksum-choice=md5 "$src/" "$rep/") ;;
        rsync-fsync) CMD=(rsync -a --delete --fsync "$src/" "$rep/") ;;
        *) echo "unknown tool $tool" >&2; exit 2 ;;
    esac
}

# One timed run of a one-shot tool, from a freshly prepared state.
run_oneshot() {
    local tree=$1 scenario=$2 tool=$3 i=$4
    local src; src=$(source_for "$scenario")
    prepare_replica "$scenario"
    local logf="$WORK/logs/$tree-$scenario-$tool-$i.log"
    rm -f "$logf" "$logf.prime"
    local primed=""
    # Over SFTP a prime hashes every file through the server (minutes on small), so a no-change cell primes for
    # its first run only: each timed run leaves the same memory as the prime did (the same verified pairs, nothing
    # changed in between), and the next run starts from it.
    if [[ $tool == dirsync-sftp-once-primed && $scenario == nochange ]] && ((i > 1)) && has_memory; then
        primed="memory of run $((i - 1))"
    else
        fresh_jtmp
    fi
    if [[ $tool == *-primed && -z "$primed" ]]; then
        # cron with a saved hash memory: an untimed --once pass on the state before the change leaves its
        # memory in JTMP, then the change is applied to the same source path and the timed --once follows
        src="$TREE_DIR/pristine"
        if [[ $scenario != nochange ]]; then
            src="$TREE_DIR/work"
            if [[ -d "$src" ]]; then rsync -a --delete "$TREE_DIR/pristine/" "$src/"; else cp -al "$TREE_DIR/pristine" "$src"; fi
        fi
        sleep 2.1 # the memory skips files changed less than 2 s before a pass
        tool_cmd "$tool" "$src" "$REP" "$logf.prime"
        local t_prime; t_prime=$(now)
        run_waited "${CMD[@]}" >/dev/null 2>&1 || log "priming --once failed: see $logf.prime"
        log "primed in $(awk -v a="$t_prime" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s"
        [[ $scenario != nochange ]] && gen mutate "$scenario" "$src" --seed "$SEED" 2>/dev/null
        sync
        primed="primed"
    fi
    [[ -n "$primed" ]] && ! has_memory && primed="no memory after priming"
    settle
    warm "$src" "$REP"
    local load; load=$(load1)
    local t0 t1 rc=0
    tool_cmd "$tool" "$src" "$REP" "$logf"
    t0=$(now)
    run_waited /usr/bin/time -v -o "$TIME_OUT" "${CMD[@]}" >/dev/null 2>"$WORK/tmp/stderr" || rc=$?
    t1=$(now)
    local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    local reported=""
    local ok=1 note=""
    [[ $tool == dirsync-* ]] && { reported=$(summary_duration "$logf" 1); note=$(summary_counts "$logf" 1); }
    [[ -n "$primed" ]] && note="${note:+$note; }$primed"
    ((rc == 0)) || { ok=0; note="$note exit $rc: $(head -c 200 "$WORK/tmp/stderr" | tr ',\n' ';;')"; }
    same_tree "$src" "$REP" || { ok=0; note="$note replica differs from source"; }
    record "$tree" "$scenario" "$tool" "$i" "$wall" "$wall" "$reported" "$(maxrss)" "$load" "$ok" "$note"
}

# dirsync's periodic mode, interval 1 s: a first pass, then the scenario's change while the process is stopped
# (SIGSTOP, so that the change lands between two passes, whole), then the duration of the following pass as its
# own summary line reports it. 'initial' reports pass 1 (the copy into an empty replica); 'nochange' reports
# passes 2 to N+1 of one process.
wait_pass() { # log n pid: wait until pass n's summary line is in the log
    local logf=$1 n=$2 pid=$3
    while ! grep -qE "pass $n finished:" "$logf" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { log "dirsync exited early"; return 1; }
        sleep 0.02
    done
}
run_periodic() {
    local tree=$1 scenario=$2 tool=$3 i=$4 # tool: dirsync-periodic or dirsync-sftp-periodic; for nochange, i is
                                            # ignored, all runs come from one process
    local src logf="$WORK/logs/$tree-$scenario-$tool-$i.log"
    rm -f "$logf"
    prepare_replica "$scenario"
    case "$scenario" in
        initial|nochange) src="$TREE_DIR/pristine" ;;
        *) src="$TREE_DIR/work"
           if [[ -d "$src" ]]; then rsync -a --delete "$TREE_DIR/pristine/" "$src/"; else cp -al "$TREE_DIR/pristine" "$src"; fi
           sync ;;
    esac
    settle
    warm "$src" "$REP"
    local load; load=$(load1)
    fresh_jtmp
    tool_cmd "$tool" "$src" "$REP" "$logf"
    /usr/bin/time -v -o "$TIME_OUT" "${CMD[@]}" >/dev/null 2>"$WORK/tmp/stderr" &
    local tpid=$! jpid=""
    TOOL_PID=$tpid
    while [[ -z "$jpid" ]]; do jpid=$(pgrep -P "$tpid" || true); sleep 0.01; done
    local ok=1 note="" t_cont=""
    if ! wait_pass "$logf" 1 "$jpid"; then ok=0; note="no pass 1"; fi
    local last=1
    if [[ $scenario == rewrite || $scenario == churn ]] && ((ok)); then
        kill -STOP "$jpid"
        gen mutate "$scenario" "$src" --seed "$SEED" 2>/dev/null
        sync
        t_cont=$(date +%s.%N)
        kill -CONT "$jpid"
        last=2
    elif [[ $scenario == nochange ]]; then
        last=$((RUNS + 1))
    fi
    local n
    for ((n = 2; n <= last; n++)); do
        wait_pass "$logf" "$n" "$jpid" || { ok=0; note="no pass $n"; break; }
    done
    kill -TERM "$jpid" 2>/dev/null || true
    wait "$tpid" || true
    TOOL_PID=""
    if [[ -n "$t_cont" ]]; then
        # the measured pass must have started after the change was complete
        local line end dur
        line=$(grep -E "pass 2 finished:" "$logf" | tail -1)
        end=$(date -d "$(cut -d' ' -f1 <<<"$line")" +%s.%N)
        dur=$(summary_duration "$logf" 2)
        if awk -v e="$end" -v d="$dur" -v c="$t_cont" 'BEGIN { exit !(e - d + 0.05 < c) }'; then ok=0; note="pass 2 started before the change was complete"; fi
    fi
    same_tree "$src" "$REP" || { ok=0; note="$note replica differs from source"; }
    local rss; rss=$(maxrss)
    if [[ $scenario == nochange ]]; then
        for ((n = 2; n <= RUNS + 1; n++)); do
            local d; d=$(summary_duration "$logf" "$n")
            record "$tree" "$scenario" "$tool" "$((n - 1))" "$d" "" "$d" "$rss" "$load" "$ok" "pass $n of one process"
        done
    else
        local p=2; [[ $scenario == initial ]] && p=1
        local d; d=$(summary_duration "$logf" "$p")
        record "$tree" "$scenario" "$tool" "$i" "$d" "" "$d" "$rss" "$load" "$ok" "pass $p: $(summary_counts "$logf" "$p") $note"
    fi
}

# ------------------------------------------------------------------------------------------------- main

START=$(date +%s)
log "jar: $JAR ${JAVA_OPTS:+(java options: $JAVA_OPTS)}${LAUNCHER:+ through $LAUNCHER/bin/dirsync}"
if [[ -n "$LAUNCHER" ]]; then
    # Two untimed runs, as the first two from cron: the first writes the class-data archive at its exit, the second
    # takes it up; they copy one file and compare another, so that the classes of both are in it.
    warm="$WORK/launcher-warmup"
    rm -rf "$warm" "$WORK/cds"
    mkdir -p "$warm/src" "$warm/rep" && echo same >"$warm/src/a" && echo new >"$warm/src/b" && cp -a "$warm/src/a" "$warm/rep/a"
    for n in 1 2; do
        fresh_jtmp
        tool_cmd dirsync-once "$warm/src" "$warm/rep" "$warm/log"
        "${CMD[@]}" >/dev/null 2>&1 || { echo "the launcher failed: see $warm/log" >&2; exit 2; }
        rm -f "$warm/rep/b"
    done
    log "launcher's class-data archive: $(ls "$WORK/cds" 2>/dev/null | tr '\n' ' ')"
fi
log "results: $OUT; trees: $TREES; scenarios: $SCENARIOS; tools: $TOOLS; runs: $RUNS; scale: $SCALE"
((REMOTE)) && log "sftp targets: $(sftp_uri "$WORK")/<tree>/replica, sshd in $SSH_DIR"
log "$(uptime)"
for tree in $TREES; do
    prepare_tree "$tree"
    for scenario in $SCENARIOS; do
        for tool in $TOOLS; do
            [[ $tool == cp && $scenario != initial ]] && continue
            [[ $tool == *-primed && $scenario == initial ]] && continue
            if [[ $tool == *-periodic ]]; then
                if [[ $scenario == nochange ]]; then
                    run_periodic "$tree" "$scenario" "$tool" 1
                else
                    for ((i = 1; i <= RUNS; i++)); do run_periodic "$tree" "$scenario" "$tool" "$i"; done
                fi
            else
                for ((i = 1; i <= RUNS; i++)); do run_oneshot "$tree" "$scenario" "$tool" "$i"; done
            fi
        done
        [[ $scenario == initial ]] && [[ -e "$TREE_DIR/replica" ]] && trash "$TREE_DIR/replica"
    done
    empty_trash
    if ((!KEEP)); then
        mass_delete "$TREE_DIR"
    fi
done
empty_trash
log "done in $(($(date +%s) - START)) s; raw results: $OUT"
java "$BENCH_HOME/Report.java" "$OUT"
