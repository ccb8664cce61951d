#!/usr/bin/env bash
# Local Neo4j Community 5.26 for dev and tests: an embedded DBMS with a loopback-only Bolt
# connector (tools/neo4j-runner), built with Maven and run on the local JDK 17/21.
#
# Usage: scripts/neo4j.sh start|stop|reset|status|uri
#   reset: stop the instance if it runs and delete its store (DIR/data); logs and plugins stay
#
# Environment:
#   NEO4J_URI          if set, an external database is configured: `start` does nothing, `uri` prints it
#   NEO4J_LOCAL_DIR    state dir (default <repo>/.neo4j; a relative path is taken from the repo root).
#                      Holds data/ and logs/ (Neo4j's debug.log), neo4j.log (runner stdout), neo4j.pid
#   NEO4J_LOCAL_PORT   Bolt port on 127.0.0.1 (default 7687)
#   NEO4J_HEAP         JVM -Xms/-Xmx (default 1g)
#   NEO4J_PAGECACHE    page cache size (default 512m)
#   NEO4J_TX_TIMEOUT   transaction timeout, e.g. 60s, 5m (default 60s)
#   NEO4J_TX_LOG_RETENTION  db.tx_log.rotation.retention_policy (default "1G size": these instances
#                      take no backups, and Neo4j's own default keeps two days of logs of any size)
#   NEO4J_MIN_FREE_MB  refuse to start with less free disk than this in the state dir (default 1024)
#   NEO4J_START_TIMEOUT  seconds to wait for Bolt (default 180)
#   NEO4J_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 60)
#   NEO4J_GC           the JVM's garbage collector option (default -XX:+UseG1GC)
#   NEO4J_JAVA_OPTS    extra JVM options (word-split)
#   NEO4J_PLUGINS_DIR  if set, load procedure jars (e.g. APOC core) from this dir and allow apoc.*
#                      (a relative path is taken from the repo root; unset: no plugins, as before)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNNER_DIR="$REPO_ROOT/tools/neo4j-runner"
RUNNER_JAR="$RUNNER_DIR/target/neo4j-runner.jar"
RUNNER_LIB="$RUNNER_DIR/target/lib"
BUILD_STAMP="$RUNNER_DIR/target/.build-complete"
MAIN_CLASS="org.civicgraph.neo4jrunner.Runner"

DIR="${NEO4J_LOCAL_DIR:-$REPO_ROOT/.neo4j}"
case "$DIR" in /*) ;; *) DIR="$REPO_ROOT/$DIR" ;; esac
DIR="$(realpath -m "$DIR")"
PORT="${NEO4J_LOCAL_PORT:-7687}"
HEAP="${NEO4J_HEAP:-1g}"
GC="${NEO4J_GC:--XX:+UseG1GC}"
PAGECACHE="${NEO4J_PAGECACHE:-512m}"
TX_TIMEOUT="${NEO4J_TX_TIMEOUT:-60s}"
TX_LOG_RETENTION="${NEO4J_TX_LOG_RETENTION:-1G size}"
MIN_FREE_MB="${NEO4J_MIN_FREE_MB:-1024}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
PID_FILE="$DIR/neo4j.pid"
LOG_FILE="$DIR/neo4j.log"
URI="bolt://127.0.0.1:$PORT"
# Plugins (optional): their jars go on the classpath too, because APOC registers its
# injectable components as kernel extensions, which embedded Neo4j finds only there.
PLUGINS=()
CLASSPATH_EXTRA=""
if [[ -n "${NEO4J_PLUGINS_DIR:-}" ]]; then
  PLUGINS_DIR="$NEO4J_PLUGINS_DIR"
  case "$PLUGINS_DIR" in /*) ;; *) PLUGINS_DIR="$REPO_ROOT/$PLUGINS_DIR" ;; esac
  PLUGINS=(--plugins "$PLUGINS_DIR")
  CLASSPATH_EXTRA=":$PLUGINS_DIR/*"
fi

say() { echo "neo4j: $*"; }
die() { echo "neo4j: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) || die "NEO4J_LOCAL_PORT must be a port number, got '$PORT'"
[[ "$MIN_FREE_MB" =~ ^[0-9]+$ ]] || die "NEO4J_MIN_FREE_MB must be a number of MiB, got '$MIN_FREE_MB'"

# A full disk makes Neo4j fail part-way through a write and Go's linker fail in the next step;
# say so up front, with what takes the space, instead.
need_disk() {
  local free_mb
  free_mb="$(df -Pm "$DIR" | awk 'NR == 2 {print $4}')"
  [[ "$free_mb" =~ ^[0-9]+$ ]] || return 0
  ((free_mb >= MIN_FREE_MB)) && return 0
  echo "neo4j: largest local Neo4j state dirs:" >&2
  du -sh "$REPO_ROOT"/.neo4j* 2>/dev/null | sort -h | tail -n 5 >&2 || true
  die "only ${free_mb} MiB free on the disk of $DIR (need ${MIN_FREE_MB}, NEO4J_MIN_FREE_MB); stop an instance and delete its dir to free space"
}

# Bolt handshake: magic 0x6060B017 + 4 version proposals (5.8..5.0, 4.4), expect 4 non-zero bytes back.
bolt_ok() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$PORT" <<'EOF' 2>/dev/null
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    s.settimeout(2)
    s.sendall(bytes.fromhex("6060b017" "00080805" "00000404" "00000000" "00000000"))
    got = b""
    while len(got) < 4:
        chunk = s.recv(4 - len(got))
        if not chunk:
            break
        got += chunk
    s.close()
    sys.exit(0 if len(got) == 4 and got != b"\0\0\0\0" else 1)
except Exception:
    sys.exit(1)
EOF
  else
    timeout 3 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
      v=$(head -c 4 <&3 | od -An -tx1 | tr -d " \n")
      [[ ${#v} -eq 8 && $v != 00000000 ]]' _ "$PORT" 2>/dev/null
  fi
}

# Anything listening on 127.0.0.1:$PORT (Bolt or not)?
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$PORT" 2>/dev/null; }

port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -ltnpH "sport = :$PORT" 2>/dev/null | grep -o 'users:(([^)]*))' | head -1 || true
}

# Alive and not a zombie (an orphaned JVM may linger as a zombie until init reaps it).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != Z && "$state" != X ]]
}

# Pid from the pid file, only if that process is alive and is our runner for this dir.
our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$MAIN_CLASS --dir $DIR " || return 1
  echo "$pid"
}

need_java() {
  command -v java >/dev/null 2>&1 ||
    die "java not found: install a JDK 17 (or 21), e.g. 'apt-get install openjdk-17-jdk-headless'"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)) ||
    die "Neo4j 5.26 needs Java 17 or 21, but 'java' is version '${major:-unknown}'"
}

build_is_fresh() {
  [[ -f "$BUILD_STAMP" && -f "$RUNNER_JAR" && -d "$RUNNER_LIB" ]] || return 1
  [[ -z "$(find "$RUNNER_DIR/pom.xml" "$RUNNER_DIR/src" -newer "$BUILD_STAMP" -print -quit)" ]]
}

build_runner() {
  build_is_fresh && return 0
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found (needed once to build tools/neo4j-runner): install Maven 3.8+, e.g. 'apt-get install maven'"
  mkdir -p "$RUNNER_DIR/target"
  # Serialise builds: a dev and a test instance may start at the same time.
  exec 8>"$RUNNER_DIR/target/.build.lock"
  flock 8
  if ! build_is_fresh; then
    local t0 out
    t0="$(now)"
    say "building tools/neo4j-runner (first build downloads Neo4j jars into ~/.m2)..."
    rm -rf "$RUNNER_LIB" "$BUILD_STAMP" # no stale jars from an older Neo4j version on the classpath
    out="$(mktemp)"
    if ! mvn -B -q -f "$RUNNER_DIR/pom.xml" package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib >"$out" 2>&1; then
      tail -n 60 "$out" >&2
      rm -f "$out"
      die "building tools/neo4j-runner failed (Maven output above)"
    fi
    rm -f "$out"
    touch "$BUILD_STAMP"
    say "built runner in $(since "$t0")s"
  fi
  flock -u 8
  exec 8>&-
}

cmd_start() {
  if [[ -n "${NEO4J_URI:-}" ]]; then
    say "NEO4J_URI is set ($NEO4J_URI): using that external database, not starting a local one"
    return 0
  fi
  need_java
  build_runner
  mkdir -p "$DIR"
  need_disk
  exec 9>"$DIR/.start.lock"
  flock -w 600 9 || die "could not lock $DIR/.start.lock"

  local pid
  if pid="$(our_pid)"; then
    if bolt_ok; then
      say "already running (pid $pid) at $URI"
      return 0
    fi
    die "pid $pid (from $PID_FILE) is running but Bolt on $URI does not answer; run '$0 stop' first (log: $LOG_FILE)"
  elif [[ -f "$PID_FILE" ]]; then
    say "removing stale pid file $PID_FILE"
    rm -f "$PID_FILE"
  fi
  if port_open; then
    die "port $PORT on 127.0.0.1 is already in use by another process $(port_owner); stop it or set NEO4J_LOCAL_PORT"
  fi

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  local t0
  local -a jvm
  t0="$(now)"
  jvm=(
    "-Xms$HEAP" "-Xmx$HEAP"
    "$GC" -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
    # Like the flags below, the rest of what Neo4j's own launcher applies
    # (server.jvm.additional in the neo4j.conf it ships), which an embedded
    # start must pass itself: the heap touched once at start instead of page
    # by page under the first writes (so the process holds NEO4J_HEAP from
    # the start), final fields trusted as constants by the JIT, no
    # System.gc() from libraries. Their measured effect on imports and on
    # start time: README, "Import".
    -XX:+AlwaysPreTouch -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --enable-native-access=ALL-UNNAMED
    -Dlog4j2.disable.jmx=true -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
  )
  # shellcheck disable=SC2206
  [[ -n "${NEO4J_JAVA_OPTS:-}" ]] && jvm+=($NEO4J_JAVA_OPTS)
  echo "=== $(date -u +%FT%TZ) starting on $URI (heap $HEAP, pagecache $PAGECACHE, tx logs kept: $TX_LOG_RETENTION)" >"$LOG_FILE"
  nohup setsid java "${jvm[@]}" -cp "$RUNNER_LIB/*:$RUNNER_JAR$CLASSPATH_EXTRA" "$MAIN_CLASS" \
    --dir "$DIR" --port "$PORT" --pagecache "$PAGECACHE" --tx-timeout "$TX_TIMEOUT" \
    --tx-log-retention "$TX_LOG_RETENTION" ${PLUGINS[@]+"${PLUGINS[@]}"} \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline
  deadline=$(($(date +%s) + START_TIMEOUT))
  while :; do
    if ! alive "$pid"; then
      rm -f "$PID_FILE"
      echo "--- last 40 lines of $LOG_FILE:" >&2
      tail -n 40 "$LOG_FILE" >&2
      die "Neo4j (pid $pid) exited during startup after $(since "$t0")s"
    fi
    if bolt_ok; then
      say "ready at $URI in $(since "$t0")s (pid $pid, dir $DIR)"
      return 0
    fi
    if (($(date +%s) >= deadline)); then
      echo "--- last 40 lines of $LOG_FILE:" >&2
      tail -n 40 "$LOG_FILE" >&2
      stop_pid "$pid" >&2 || true
      rm -f "$PID_FILE"
      die "Bolt on $URI did not answer within ${START_TIMEOUT}s (NEO4J_START_TIMEOUT); process stopped"
    fi
    sleep 0.25
  done
}

stop_pid() {
  local pid="$1" t0 deadline
  t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$(($(date +%s) + STOP_TIMEOUT))
  while alive "$pid"; do
    if (($(date +%s) >= deadline)); then
      say "pid $pid still running after ${STOP_TIMEOUT}s: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.25
  done
  say "stopped (pid $pid) in $(since "$t0")s"
}

cmd_stop() {
  local pid
  if pid="$(our_pid)"; then
    stop_pid "$pid"
    rm -f "$PID_FILE"
  elif [[ -f "$PID_FILE" ]]; then
    rm -f "$PID_FILE"
    say "not running (removed stale pid file)"
  else
    say "not running"
  fi
}

# The runner keeps the store in DIR/data (tools/neo4j-runner); DIR is absolute and never empty here.
cmd_reset() {
  cmd_stop
  rm -rf "$DIR/data"
  say "store emptied ($DIR/data)"
}

cmd_status() {
  local pid
  if pid="$(our_pid)"; then
    if bolt_ok; then
      say "running (pid $pid) at $URI"
      return 0
    fi
    say "pid $pid is alive but Bolt on $URI does not answer"
    return 1
  fi
  say "not running (dir $DIR, port $PORT)"
  return 1
}

cmd_uri() { echo "${NEO4J_URI:-$URI}"; }

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  reset) cmd_reset ;;
  status) cmd_status ;;
  uri) cmd_uri ;;
  *)
    echo "usage: $0 start|stop|reset|status|uri" >&2
    exit 2
    ;;
esac
