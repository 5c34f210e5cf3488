#!/usr/bin/env bash
# S3 targets (issue 23): dirsync against `rclone sync` (s3 backend), both into the same S3Proxy on 127.0.0.1
# (the tests' version, filesystem backend, started by S3ProxyMain.java with the test class path), on the seeded
# `small` and `mixed` trees of GenerateTree.java. Scenarios, N runs each, medians side by side:
#   first      a first copy into an empty prefix (a new prefix each run)
#   nochange1  the first no-change run after that copy (dirsync reads each object's metadata once, then keeps it)
#   nochange   no-change runs after that (dirsync: --once with its memories; rclone: sync)
#   checksum   a checksum run without memory (dirsync --once --no-hash-cache; rclone sync --checksum)
# With --dist, each no-change scenario also times sdk-list (S3Floor.java): the SDK's client built as dirsync builds
# it and the prefix listed, nothing else, on the same JVM with the launcher's options and a class-data archive (an
# AOT cache on JDK 25+) made by an untimed run: the floor of any no-change run on this JVM and SDK.
# --net RTT:MBIT puts a network between both tools and the store: NetRelay.java (a round-trip delay of RTT ms and a
# cap of MBIT Mbit/s each way, as remote.sh uses for SFTP), the endpoint they are given; loopback hides the round
# trips that a store across a network costs every request.
# Each run's wall clock (JVM start included), peak RSS (/usr/bin/time -v) and the load just before it.
# Output: a CSV (-o) and a markdown table on stdout.
set -euo pipefail

table() {
    # The table: medians by tree, scenario and tool; dirsync / rclone; dirsync's peak RSS; then the network.
    echo "| tree | scenario | dirsync s | rclone s | ratio | sdk-list s | sdk-list : rclone | dirsync peak RSS MiB | load (median) | all ok |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    awk -F, 'NR > 1 {k = $1 SUBSEP $3 SUBSEP $4; v[k] = v[k] " " $6; r[k] = r[k] " " $7; l[k] = l[k] " " $8;
                     if ($9 != 1) bad[$1 SUBSEP $3] = 1; seen[$1 SUBSEP $3] = 1; order[++n] = $1 SUBSEP $3}
        function median(s,   a, m, i, j, t) { m = split(s, a, " ");
            for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
        END { for (i = 1; i <= n; i++) { k = order[i]; if (done[k]++) continue; split(k, p, SUBSEP);
                d = median(v[k SUBSEP "dirsync"]); c = median(v[k SUBSEP "rclone"]);
                f = (k SUBSEP "sdk-list") in v ? sprintf("%.2f | %.2fx", median(v[k SUBSEP "sdk-list"]),
                    (c > 0 ? median(v[k SUBSEP "sdk-list"]) / c : 0)) : "- | -";
                printf "| %s | %s | %.2f | %.2f | %.2fx | %s | %.0f | %s | %s |\n", p[1], p[2], d, c, (c > 0 ? d / c : 0),
                    f, median(r[k SUBSEP "dirsync"]) / 1024, median(l[k SUBSEP "dirsync"]), bad[k] ? "no" : "yes" } }' "$1"
    awk -F, 'NR == 2 {print ""; print "network: " ($11 == "" || $11 == "loopback" ? "loopback" : $11 " (ms RTT : Mbit/s)")}' "$1"
}

TREES="small mixed"; RUNS=3; SCALE=1; WORK=/tmp/dirsync-s3bench; PORT=19876; OUT=""; JAR=""; DIST=""; NET=""
while [ $# -gt 0 ]; do
    case "$1" in
        -t) TREES="$2"; shift 2 ;;
        -n) RUNS="$2"; shift 2 ;;
        -S) SCALE="$2"; shift 2 ;;
        -w) WORK="$2"; shift 2 ;;
        -o) OUT="$2"; shift 2 ;;
        -p) PORT="$2"; shift 2 ;;
        --table) table "$2"; exit 0 ;;
        --jar) JAR="$2"; shift 2 ;;
        --dist) DIST="$2"; shift 2 ;;
        --net) NET="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; echo "options: -t TREES -n RUNS -S SCALE -w WORKDIR -o CSV -p PORT --net RTT:MBIT --jar JAR | --dist DIST (its bin/dirsync, as a service runs it); --table CSV prints the table again"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-$ROOT/target/dirsync.jar}
if [ -n "$DIST" ]; then
    [ -x "$DIST/bin/dirsync" ] || { echo "no $DIST/bin/dirsync: give an unpacked distribution" >&2; exit 2; }
else
    [ -f "$JAR" ] || { echo "no $JAR: mvn -B -q package -DskipTests" >&2; exit 2; }
fi
command -v rclone >/dev/null || { echo "rclone is not installed" >&2; exit 2; }
OUT=${OUT:-$WORK/s3bench.csv}
rm -rf "$WORK/store" "$WORK/logs" "$WORK/state"; mkdir -p "$WORK/logs" "$WORK/classes" "$WORK/state"

KEY=bench-access; SECRET=bench-secret-0123456789; BUCKET=bench
(cd "$ROOT" && mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt")
java -cp "$(cat "$WORK/cp.txt")" "$HERE/S3ProxyMain.java" "$WORK/store" "$PORT" "$BUCKET" "$KEY" "$SECRET" \
    > "$WORK/proxy.log" 2>&1 &
PROXY=$!
RELAY=""
trap 'kill $PROXY $RELAY 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q ready "$WORK/proxy.log" && break; sleep 0.2; done
grep -q ready "$WORK/proxy.log" || { echo "S3Proxy did not start: $(tail -3 "$WORK/proxy.log")" >&2; exit 1; }
ENDPOINT_PORT=$PORT
if [ -n "$NET" ]; then
    case "$NET" in *:*) ;; *) echo "--net takes RTT_MS:MBIT, e.g. 20:100" >&2; exit 2 ;; esac
    javac -d "$WORK/classes" "$HERE/NetRelay.java"
    rm -f "$WORK/relay.port"
    # nice -n -10: on a busy machine the relay should keep its times better than the tools it carries
    nice -n -10 java -cp "$WORK/classes" NetRelay --to "127.0.0.1:$PORT" --rtt-ms "${NET%%:*}" --mbit "${NET##*:}" \
        --port-file "$WORK/relay.port" > /dev/null 2> "$WORK/relay.log" &
    RELAY=$!
    for _ in $(seq 1 200); do [ -s "$WORK/relay.port" ] && break; sleep 0.05; done
    [ -s "$WORK/relay.port" ] || { echo "the relay did not start: $(cat "$WORK/relay.log")" >&2; exit 1; }
    ENDPOINT_PORT=$(cat "$WORK/relay.port")
fi

export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_ENDPOINT_URL=http://127.0.0.1:$ENDPOINT_PORT
export AWS_REGION=us-east-1 XDG_STATE_HOME="$WORK/state"
unset AWS_CA_BUNDLE # rclone (Go SDK) refuses a custom CA bundle with its own transport; the endpoint is http
RCLONE_CONF="$WORK/rclone.conf"
cat > "$RCLONE_CONF" <<CONF
[bench]
type = s3
provider = Other
access_key_id = $KEY
secret_access_key = $SECRET
endpoint = http://127.0.0.1:$ENDPOINT_PORT
region = us-east-1
force_path_style = true
CONF

javac -d "$WORK/classes" "$HERE/GenerateTree.java"
echo "tree,scale,scenario,tool,run,seconds,maxrss_kb,load1,ok,utc,net" > "$OUT"

# timed TREE SCENARIO TOOL RUN COMMAND...: one row of the CSV
timed() {
    local tree=$1 scenario=$2 tool=$3 run=$4; shift 4
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    local ok=1
    /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/logs/$tree-$scenario-$tool-$run.out" 2>&1 || ok=0
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$WORK/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    echo "$tree,$SCALE,$scenario,$tool,$run,$wall,$rss,$load,$ok,$(date -u +%FT%TZ),${NET:-loopback}" >> "$OUT"
    echo "  $tree $scenario $tool #$run: ${wall}s ${rss} KB load $load ok=$ok" >&2
}
if [ -n "$DIST" ]; then DIRSYNC=("$DIST/bin/dirsync" --once); else DIRSYNC=(java -jar "$JAR" --once); fi
RCLONE=(rclone --config "$RCLONE_CONF")
FLOOR=()
if [ -n "$DIST" ]; then
    # sdk-list: S3Floor in a jar of its own, on the distribution's SDK jars and its SLF4J API (no provider: silent);
    # the java the launcher runs (JAVA_HOME, else PATH), the launcher's default options, C1 alone, and an archive
    # of its classes made by an untimed run first (JDK 25+: an AOT cache, as the launcher makes there)
    JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
    FW="$WORK/floor"; rm -rf "$FW"; mkdir -p "$FW/classes" "$FW/slf4j"
    SDK=$(ls "$DIST"/lib/s3/*.jar | tr '\n' ':')
    (cd "$FW/slf4j" && unzip -q "$DIST/lib/dirsync.jar" 'org/slf4j/*' && jar cf "$FW/slf4j.jar" org)
    javac -d "$FW/classes" -cp "$SDK" "$HERE/S3Floor.java" && jar cf "$FW/S3Floor.jar" -C "$FW/classes" .
    FLOOR_CP="$FW/S3Floor.jar:$SDK$FW/slf4j.jar"
    FLOOR_OPTS=(-XX:+UseSerialGC -Xms64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1)
    FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${FEATURE%%.*}" -ge 25 ]; then
        FLOOR_TRAIN=(-XX:AOTCacheOutput="$FW/floor.aot" '-Xlog:aot*=off' '-Xlog:cds*=off')
        FLOOR_MAP=(-XX:AOTCache="$FW/floor.aot" '-Xlog:aot*=off' '-Xlog:cds*=off')
    else
        FLOOR_TRAIN=(-XX:ArchiveClassesAtExit="$FW/floor.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
        FLOOR_MAP=(-XX:SharedArchiveFile="$FW/floor.jsa" -Xlog:cds=off)
    fi
    FLOOR=("$JAVA" "${FLOOR_OPTS[@]}" "${FLOOR_MAP[@]}" -cp "$FLOOR_CP" S3Floor)
fi
# floor TREE SCENARIO RUN: one sdk-list row (with --dist); the first trains the archive on the tree's copy, untimed
floor() {
    [ ${#FLOOR[@]} -gt 0 ] || return 0
    if [ ! -e "$FW/trained" ]; then
        "$JAVA" "${FLOOR_OPTS[@]}" "${FLOOR_TRAIN[@]}" -cp "$FLOOR_CP" S3Floor "$BUCKET" "$1/d1/" > "$FW/train.out" 2>&1
        touch "$FW/trained"
    fi
    timed "$1" "$2" sdk-list "$3" "${FLOOR[@]}" "$BUCKET" "$1/d1/"
}

for tree in $TREES; do
    SRC="$WORK/trees/$tree"
    if [ ! -d "$SRC" ]; then
        java -cp "$WORK/classes" GenerateTree gen "$tree" "$SRC" --scale "$SCALE" >&2
    fi
    for i in $(seq 1 "$RUNS"); do
        timed "$tree" first dirsync "$i" "${DIRSYNC[@]}" "$SRC" "s3://$BUCKET/$tree/d$i" 60 "$WORK/logs/d-$tree.log"
        timed "$tree" first rclone "$i" "${RCLONE[@]}" sync "$SRC" "bench:$BUCKET/$tree/r$i"
    done
    timed "$tree" nochange1 dirsync 1 "${DIRSYNC[@]}" "$SRC" "s3://$BUCKET/$tree/d1" 60 "$WORK/logs/d-$tree.log"
    timed "$tree" nochange1 rclone 1 "${RCLONE[@]}" sync "$SRC" "bench:$BUCKET/$tree/r1"
    floor "$tree" nochange1 1
    for i in $(seq 1 "$RUNS"); do
        timed "$tree" nochange dirsync "$i" "${DIRSYNC[@]}" "$SRC" "s3://$BUCKET/$tree/d1" 60 "$WORK/logs/d-$tree.log"
        timed "$tree" nochange rclone "$i" "${RCLONE[@]}" sync "$SRC" "bench:$BUCKET/$tree/r1"
        floor "$tree" nochange "$i"
    done
    for i in $(seq 1 "$RUNS"); do
        timed "$tree" checksum dirsync "$i" "${DIRSYNC[@]}" --no-hash-cache "$SRC" "s3://$BUCKET/$tree/d1" 60 \
            "$WORK/logs/d-$tree.log"
        timed "$tree" checksum rclone "$i" "${RCLONE[@]}" sync --checksum "$SRC" "bench:$BUCKET/$tree/r1"
        floor "$tree" checksum "$i"
    done
done

table "$OUT"
echo "CSV: $OUT" >&2
