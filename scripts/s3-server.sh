#!/usr/bin/env bash
# A local S3-protocol server for the S3 storage tests: moto's server (test/requirements-s3.txt, in .venv).
# Usage: scripts/s3-server.sh start|stop|status    (port: S3_PORT, default 5005)
# `start` is idempotent and safe to run from several test files at once (a lock, then a port check);
# it installs moto into .venv when it is missing, so a fresh clone needs nothing else.
set -uo pipefail
cd "$(dirname "$0")/.."

PORT="${S3_PORT:-5005}"
STATE="${TMPDIR:-/tmp}/jobpub-moto-$PORT"
PIDFILE="$STATE.pid"
LOGFILE="$STATE.log"

up() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null; }

ensure_moto() {
  [ -x .venv/bin/moto_server ] && return 0
  echo "installing moto into .venv (test/requirements-s3.txt)"
  if [ ! -x .venv/bin/python3 ]; then python3 -m venv .venv || return 1; fi
  .venv/bin/python3 -m pip install --quiet --disable-pip-version-check -r test/requirements-s3.txt || return 1
}

start() {
  exec 9>"$STATE.lock"
  flock -w 180 9 || { echo "s3-server: could not take $STATE.lock" >&2; return 1; }
  if up; then echo "moto is up on 127.0.0.1:$PORT"; return 0; fi
  ensure_moto || { echo "s3-server: moto could not be installed" >&2; return 1; }
  # setsid + closed descriptors: the server outlives the caller (a test run) without holding its pipes.
  setsid .venv/bin/moto_server -H 127.0.0.1 -p "$PORT" >"$LOGFILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 120); do
    if up; then echo "moto is up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), log $LOGFILE)"; return 0; fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then break; fi
    sleep 0.25
  done
  echo "s3-server: moto did not come up on 127.0.0.1:$PORT; its log ($LOGFILE):" >&2
  tail -n 20 "$LOGFILE" >&2
  return 1
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PIDFILE"
    echo "moto on port $PORT stopped"
  else
    echo "no pid file for port $PORT ($PIDFILE): nothing to stop"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if up; then echo "up on 127.0.0.1:$PORT"; else echo "down on 127.0.0.1:$PORT"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
