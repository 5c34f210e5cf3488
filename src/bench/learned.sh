#!/usr/bin/env bash
# Learned at copy time (issue 21's local target): a first copy into an empty local replica, then the first no-change
# --once after it and a second one, each run a process of its own through DIST/bin/dirsync with a fresh state
# directory for its round, so the first no-change run has only what the copy itself learned. The target: the first
# no-change run within 1.2x the second. A run without the memory (--no-hash-cache) is timed last, for scale.
# Usage: src/bench/learned.sh --dist DIST --source DIR [-n ROUNDS] [-w WORK]
set -euo pipefail

DIST="" SOURCE="" ROUNDS=3 WORK=${BENCH_WORK:-/tmp/dirsync-learned-bench}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dist) DIST=$2; shift ;;
        --source) SOURCE=$2; shift ;;
        -n|--rounds) ROUNDS=$2; shift ;;
        -w|--work) WORK=$2; shift ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ -x $DIST/bin/dirsync && -d $SOURCE ]] || { echo "usage: $0 --dist DIST --source DIR [-n ROUNDS] [-w WORK]" >&2; exit 2; }

mkdir -p "$WORK"
timed() { # label, then the run's extra options: prints "label seconds"
    local label=$1 start end
    shift
    start=$(date +%s%N)
    env XDG_STATE_HOME="$WORK/state" DIRSYNC_CACHE_DIR="$WORK/cds" "$DIST/bin/dirsync" --once -q "$@" \
        "$SOURCE" "$WORK/replica" 1 "$WORK/log" >/dev/null 2>&1 || { echo "$label failed: see $WORK/log" >&2; exit 1; }
    end=$(date +%s%N)
    printf '%s %d.%03d\n' "$label" $(((end - start) / 1000000000)) $((((end - start) / 1000000) % 1000))
}

echo "# $(date -u +%FT%TZ) source $SOURCE ($(find "$SOURCE" | wc -l) entries, $(du -sh "$SOURCE" | cut -f1)), load $(cut -d' ' -f1 /proc/loadavg)"
timed warmup >/dev/null # the launcher's class-data archive for this build, made once
for ((round = 1; round <= ROUNDS; round++)); do
    rm -rf "$WORK/replica" "$WORK/state"
    timed "round $round copy"
    timed "round $round nochange1"
    timed "round $round nochange2"
    timed "round $round nomemory" --no-hash-cache
done | tee "$WORK/times.txt"
for row in copy nochange1 nochange2 nomemory; do
    printf '%s: median %s s of' "$row" "$(awk -v r="$row" '$3 == r {print $4}' "$WORK/times.txt" | sort -n \
        | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')"
    awk -v r="$row" '$3 == r {printf " %s", $4} END {print ""}' "$WORK/times.txt"
done
awk '$3 == "nochange1" {a[$2] = $4} $3 == "nochange2" {b[$2] = $4}
     END {for (r in a) printf "round %s: first no-change : second = %.2fx\n", r, a[r] / b[r]}' "$WORK/times.txt" | sort
