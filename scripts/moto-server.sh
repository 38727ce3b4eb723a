#!/usr/bin/env bash
# A local AWS-compatible server (moto) for the live-account tests.
#
#   scripts/moto-server.sh start   install moto in target/moto-venv (once), start it, wait until it answers
#   scripts/moto-server.sh stop    stop the server started by `start` (by its PID)
#   scripts/moto-server.sh url     print the URL of the running server
#
# The PID and URL are kept in target/moto.pid and target/moto.url. The server
# listens on loopback only. MOTO_PORT chooses the port (default 5055).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"  # same pin as scripts/fetch-corpus.py
VENV="target/moto-venv"
PID_FILE="target/moto.pid"
URL_FILE="target/moto.url"
LOG_FILE="target/moto.log"
PORT="${MOTO_PORT:-5055}"

install() {
    if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
        return
    fi
    mkdir -p target
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
}

running() {
    [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

start() {
    if running && [ -f "$URL_FILE" ]; then
        echo "moto already running at $(cat "$URL_FILE") (pid $(cat "$PID_FILE"))" >&2
        return
    fi
    install
    local url="http://127.0.0.1:$PORT"
    MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" \
        >"$LOG_FILE" 2>&1 &
    echo $! >"$PID_FILE"
    for _ in $(seq 1 100); do
        if "$VENV/bin/python" -c "import urllib.request, sys; urllib.request.urlopen('$url/moto-api/', timeout=1)" 2>/dev/null; then
            echo "$url" >"$URL_FILE"
            echo "moto $MOTO_VERSION running at $url (pid $(cat "$PID_FILE"))" >&2
            return
        fi
        if ! running; then
            echo "moto exited; see $LOG_FILE" >&2
            tail -n 20 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            exit 1
        fi
        sleep 0.2
    done
    echo "moto did not answer at $url within 20 s; see $LOG_FILE" >&2
    stop
    exit 1
}

stop() {
    if running; then
        kill "$(cat "$PID_FILE")" 2>/dev/null || true
    fi
    rm -f "$PID_FILE" "$URL_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url)
        if running && [ -f "$URL_FILE" ]; then cat "$URL_FILE"; else exit 1; fi
        ;;
    *)
        echo "usage: $0 start|stop|url" >&2
        exit 2
        ;;
esac
