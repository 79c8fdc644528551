#!/usr/bin/env bash
# Make sure a Docker engine answers, starting one on a bare Debian/Ubuntu machine.
#
# - If an engine already answers on DOCKER_HOST or /var/run/docker.sock: do nothing
#   (never restart or reconfigure a running engine).
# - Otherwise, as root on Debian/Ubuntu: install Debian's docker.io (and iptables)
#   when missing (ensure-host-packages.sh engine), start dockerd in the background (log: $PODRUN_DOCKERD_LOG), and wait,
#   bounded, until /_ping answers.
# - Anywhere else: exit non-zero with one line saying what to do.
set -euo pipefail

log_file="${PODRUN_DOCKERD_LOG:-/var/log/podrun-dockerd.log}"
wait_seconds="${PODRUN_DOCKERD_WAIT:-60}"

say() { echo "ensure-docker: $*" >&2; }

ping_engine() {
  local host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  case "$host" in
    unix://*)
      local sock="${host#unix://}"
      [ -S "$sock" ] || return 1
      curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
      ;;
    tcp://*)
      curl -fsS --max-time 3 "http://${host#tcp://}/_ping" >/dev/null 2>&1
      ;;
    *)
      docker version >/dev/null 2>&1
      ;;
  esac
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# curl pings the engine; without it every engine would look dead.
bash "$here/ensure-host-packages.sh" tools

if ping_engine; then
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ]; then
  say "no Docker engine answers on DOCKER_HOST=${DOCKER_HOST}; start it or unset DOCKER_HOST"
  exit 1
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  say "no Docker engine answers on /var/run/docker.sock; start Docker (or install it: https://docs.docker.com/engine/install/) and retry"
  exit 1
fi

bash "$here/ensure-host-packages.sh" engine

start_dockerd() {
  say "starting dockerd (log: $log_file)"
  mkdir -p "$(dirname "$log_file")"
  nohup dockerd >>"$log_file" 2>&1 </dev/null &
  disown || true
}

# A dockerd other than the tests' own second engine (scripts/test-engine.sh, which
# has its own pid file and socket): that one never serves the default socket.
default_dockerd_running() {
  local test_engine pid
  test_engine="$(cat /run/podrun/test-engine.pid 2>/dev/null || true)"
  for pid in $(pgrep -x dockerd 2>/dev/null || true); do
    [ "$pid" = "$test_engine" ] || return 0
  done
  return 1
}
# (A stale pid file from a killed daemon would make dockerd refuse to start; it is
# removed before each start, only when no dockerd runs.)

# A dockerd that is still shutting down answers nothing and must not be doubled:
# wait for it to exit, then start a fresh one. A daemon that dies at start is
# retried twice; everything is bounded by the wait above.
starts=0
for _ in $(seq 1 "$((wait_seconds * 4))"); do
  if ping_engine; then
    [ "$starts" = 0 ] || say "engine is up"
    exit 0
  fi
  if ! default_dockerd_running; then
    [ "$starts" -lt 3 ] || break
    rm -f /var/run/docker.pid
    start_dockerd
    starts=$((starts + 1))
  fi
  sleep 0.25
done

say "dockerd did not answer /_ping within ${wait_seconds}s; see $log_file"
tail -n 20 "$log_file" >&2 || true
exit 1
