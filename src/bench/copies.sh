#!/usr/bin/env bash
# First copies interleaved in one run: dirsync builds (unpacked distributions) against cp -a and cp -a + sync -f,
# one after the other on the same tree, round after round, so that all meet the same state of the file system.
# See src/bench/README.md ("Interleaved first copies").
set -euo pipefail

usage() {
    cat <<EOF2
usage: src/bench/copies.sh -w WORK [-t "small real mixed"] [-n ROUNDS] [-d DEST] [--delete] [-o TIMES] LABEL=DIST...
  -w, --work DIR     run.sh's work directory: trees are read from DIR/TREE/pristine
  -d, --dest DIR     where the copies go (default WORK/copies; kept: deleting them would slow the next file
                     creations on ext4; delete them when done)
      --delete       delete each copy once timed (for a tmpfs DEST, which the copies would fill)
  -t, --trees "T..." trees (default: small real mixed)
  -n, --rounds N     rounds per tree (default 3)
  -o, --out FILE     where the times go, one line a copy: tree tool round wall user sys (default WORK/copies.txt)
  LABEL=DIST         a dirsync build: DIST is an unpacked distribution (its bin/dirsync runs --once -q), or a
                     jar, run as java \$COPIES_JAVA_OPTS -jar DIST
EOF2
    exit "${1:-0}"
}

WORK="" TREES="small real mixed" ROUNDS=3 OUT="" DEST="" DELETE=0 BUILDS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -w|--work) WORK=$2; shift ;;
        -t|--trees) TREES=$2; shift ;;
        -n|--rounds) ROUNDS=$2; shift ;;
        -o|--out) OUT=$2; shift ;;
        -d|--dest) DEST=$2; shift ;;
        --delete) DELETE=1 ;;
        -h|--help) usage 0 ;;
        *=*) BUILDS+=("$1") ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
    shift
done
[[ -n $WORK ]] || usage 2
OUT=${OUT:-$WORK/copies.txt}
DEST=${DEST:-$WORK/copies}
mkdir -p "$DEST"
run=$(date +%s)

for tree in $TREES; do
    src=$WORK/$tree/pristine
    [[ -d $src ]] || { echo "no tree $src (make it with run.sh -t $tree --keep)" >&2; exit 2; }
    find "$src" -type f -exec cat {} + > /dev/null # warm: the source is read from the page cache
    for ((round = 1; round <= ROUNDS; round++)); do
        for tool in "${BUILDS[@]}" cp cp+sync; do
            label=${tool%%=*}
            dest=$DEST/$run-$tree-${label//+/-}-$round
            case $tool in
                cp) cmd=(cp -a "$src" "$dest") ;;
                cp+sync) cmd=(sh -c 'cp -a "$1" "$2" && sync -f "$2"' sh "$src" "$dest") ;;
                *.jar) # shellcheck disable=SC2086 # the options split on blanks
                    cmd=(java ${COPIES_JAVA_OPTS:-} -jar "${tool#*=}" --once -q "$src" "$dest" 60 "$DEST/$run-$label.log") ;;
                *) cmd=("${tool#*=}/bin/dirsync" --once -q "$src" "$dest" 60 "$DEST/$run-$label.log") ;;
            esac
            sync
            sleep 4 # the last copy's data on disk before the next one starts
            /usr/bin/time -f "$tree $label $round %e %U %S" -a -o "$OUT" "${cmd[@]}"
            tail -n 1 "$OUT"
            if ((DELETE)); then
                rm -rf "$dest"
            fi
        done
    done
done
echo "medians (wall seconds):"
awk -v run="$ROUNDS" 'NF == 6 { key = $1 " " $2; n[key]++; v[key, n[key]] = $4 }
    END { for (key in n) { m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, i];
          for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
          printf "%s %.2f\n", key, (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 } }' "$OUT" | sort
