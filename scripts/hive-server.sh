#!/usr/bin/env bash
# A real HiveServer2 for the Hive tests: Spark's Thrift Server from pip's pyspark (pinned in
# test/requirements-hive.txt), on 127.0.0.1, local[2], with a throw-away warehouse and Derby metastore.
#
#   scripts/hive-server.sh start    installs pyspark into .venv if missing, starts the server, waits until
#                                   it answers a query (not just a TCP connect), writes the pid file
#   scripts/hive-server.sh stop     stops it and removes its folder
#   scripts/hive-server.sh status   exit 0 when it answers a query
#
# Environment: HIVE_PORT (10000), HIVE_DIR (/tmp/jobpub-hive: warehouse, metastore, logs, pid file, and the
# staging folder the tests give jobpub as file://), HIVE_AUTH (NONE: SASL PLAIN transport, any user; or
# NOSASL), HIVE_START_SECONDS (180). Spark 4 needs Java 17 or 21; its launcher adds the --add-opens flags
# Java 17 requires by itself (JavaModuleOptions), so none are given here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${HIVE_PORT:-10000}"
DIR="${HIVE_DIR:-/tmp/jobpub-hive}"
AUTH="${HIVE_AUTH:-NONE}"
START_SECONDS="${HIVE_START_SECONDS:-180}"
PID_FILE="$DIR/server.pid"
LOG="$DIR/server.log"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

spark_home() { "$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null; }

install() {
  [ -x "$PY" ] || python3 -m venv "$VENV"
  local want
  want="$(grep -E '^pyspark==' "$ROOT/test/requirements-hive.txt" | cut -d= -f3)"
  if [ "$("$PY" -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null || true)" != "$want" ]; then
    echo "installing pyspark $want into .venv"
    "$VENV/bin/pip" install --quiet -r "$ROOT/test/requirements-hive.txt"
  fi
}

# One real statement through the Thrift port, with the Beeline that ships in pyspark.
answers() {
  local home
  home="$(spark_home)" || return 1
  local url="jdbc:hive2://127.0.0.1:$PORT/default"
  [ "$AUTH" = "NOSASL" ] && url="$url;auth=noSasl"
  timeout 60 "$home/bin/beeline" -u "$url" -n jobpub --silent=true --outputformat=csv2 \
    -e 'SELECT 40 + 2' 2>/dev/null | grep -qx 42
}

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

start() {
  if running && answers; then
    echo "HiveServer2 (Spark Thrift Server) already answers on 127.0.0.1:$PORT"
    return 0
  fi
  install
  local home
  home="$(spark_home)"
  mkdir -p "$DIR/warehouse" "$DIR/staging" "$DIR/tmp"
  local t0=$SECONDS
  (
    cd "$DIR"
    export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$DIR" PYSPARK_PYTHON="$PY"
    exec setsid "$home/bin/spark-submit" \
      --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
      --name jobpub-hive-test \
      --master 'local[2]' \
      --driver-memory 1g \
      --driver-java-options "-Dderby.system.home=$DIR -Djava.io.tmpdir=$DIR/tmp" \
      --conf spark.ui.enabled=false \
      --conf spark.sql.warehouse.dir="$DIR/warehouse" \
      --conf spark.sql.shuffle.partitions=2 \
      --conf spark.sql.session.timeZone=UTC \
      --conf spark.local.dir="$DIR/tmp" \
      --conf "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$DIR/metastore_db;create=true" \
      --hiveconf hive.server2.thrift.bind.host=127.0.0.1 \
      --hiveconf hive.server2.thrift.port="$PORT" \
      --hiveconf hive.server2.transport.mode=binary \
      --hiveconf hive.server2.authentication="$AUTH" \
      --hiveconf hive.server2.enable.doAs=false \
      spark-internal
  ) >"$LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  echo "starting Spark Thrift Server (pyspark $("$PY" -c 'import pyspark; print(pyspark.__version__)')) on 127.0.0.1:$PORT, log $LOG"
  while ((SECONDS - t0 < START_SECONDS)); do
    if ! running; then
      echo "the server exited; last lines of $LOG:" >&2
      tail -n 40 "$LOG" >&2
      return 1
    fi
    if answers; then
      echo "HiveServer2 answers on 127.0.0.1:$PORT after $((SECONDS - t0)) s"
      return 0
    fi
    sleep 2
  done
  echo "HiveServer2 did not answer within $START_SECONDS s; last lines of $LOG:" >&2
  tail -n 40 "$LOG" >&2
  return 1
}

stop() {
  if [ -f "$PID_FILE" ]; then
    local pid
    pid="$(cat "$PID_FILE")"
    # setsid made the server its own process group: end the group (spark-submit and its JVM).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$DIR"
  echo "HiveServer2 stopped; $DIR removed"
}

status() {
  if answers; then
    echo "HiveServer2 answers on 127.0.0.1:$PORT"
  else
    echo "HiveServer2 does not answer on 127.0.0.1:$PORT"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
