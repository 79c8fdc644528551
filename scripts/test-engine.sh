#!/usr/bin/env bash
# A second, podrun-owned Docker engine for tests that must stop or restart an engine
# (test/engine-restart.test.ts). The default engine (/var/run/docker.sock, or
# DOCKER_HOST) is never stopped, restarted or reconfigured by this script: other
# people's containers run there.
#
# Usage: test-engine.sh start | restart | stop | load IMAGE... | host
#   start    start the test engine unless it answers already (bounded wait)
#   restart  stop the daemon (SIGTERM; containers stop, data stays), start it again
#   stop     remove what runs on it, stop it, delete its data-root and exec-root
#   load     copy images from the default engine into the test engine
#   host     print the DOCKER_HOST value of the test engine
#
# The daemon has everything of its own: data-root, exec-root (with its own managed
# containerd), pid file, socket, containerd namespaces, cgroup parent, and a network
# namespace of its own (ip netns podrun-test-engine): a dockerd manages interfaces and
# iptables as if it owned the host (at start it rebuilds the DOCKER chains; it deleted
# the host's docker0 when it ran beside the default engine), so it gets a network
# namespace where it does. Its unix socket is a file, reachable from the host's
# namespace; its containers' IPs and published ports are reachable only inside its
# namespace, which the tests run there do not need.
#
# Needs root (dockerd does). Exit 3 when it cannot run here at all (not root, or no
# dockerd and no apt-get to install it): callers outside CI may skip on that.
set -euo pipefail

name=test-engine
run_dir=/run/podrun
socket="$run_dir/$name.sock"
pidfile="$run_dir/$name.pid"
exec_root="$run_dir/$name"
data_root="/var/lib/podrun-$name"
log_file="/var/log/podrun-$name.log"
pool="${PODRUN_TEST_ENGINE_POOL:-10.213.0.0/16}"
netns=podrun-test-engine
wait_seconds="${PODRUN_TEST_ENGINE_WAIT:-60}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { echo "test-engine: $*" >&2; }

ping_engine() {
  [ -S "$socket" ] && curl -fsS --max-time 3 --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1
}

daemon_pid() {
  local pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if [ "$(id -u)" != "0" ]; then
    say "a second engine needs root (dockerd); run as root"
    exit 3
  fi
  bash "$here/ensure-host-packages.sh" tools
  if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || { say "dockerd is not installed"; exit 3; }
    bash "$here/ensure-host-packages.sh" engine
  fi
  ping_engine && return 0
  if [ -z "$(daemon_pid)" ]; then
    rm -f "$pidfile" "$socket"
    mkdir -p "$run_dir" "$exec_root" "$data_root" "$(dirname "$log_file")"
    ip netns list | grep -qw "$netns" || ip netns add "$netns"
    ip netns exec "$netns" ip link set lo up
    say "starting dockerd on unix://$socket (log: $log_file)"
    # nsenter, not `ip netns exec`: that remounts /sys, hiding the cgroup mounts.
    nohup nsenter --net="/run/netns/$netns" dockerd \
      --host "unix://$socket" \
      --pidfile "$pidfile" \
      --data-root "$data_root" \
      --exec-root "$exec_root" \
      --containerd-namespace "podrun-$name" \
      --containerd-plugins-namespace "podrun-$name-plugins" \
      --cgroup-parent "podrun-$name" \
      --default-address-pool "base=$pool,size=24" \
      >>"$log_file" 2>&1 </dev/null &
    disown || true
  fi
  for _ in $(seq 1 "$((wait_seconds * 4))"); do
    ping_engine && return 0
    sleep 0.25
  done
  say "dockerd on unix://$socket did not answer /_ping within ${wait_seconds}s; see $log_file"
  tail -n 20 "$log_file" >&2 || true
  exit 1
}

# SIGTERM, then wait (bounded) for the daemon to exit.
halt() {
  local pid
  pid="$(daemon_pid || true)"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 "$((wait_seconds * 4))"); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  say "dockerd $pid did not exit within ${wait_seconds}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
}

on_engine() { docker -H "unix://$socket" "$@"; }

stop() {
  if ping_engine; then
    # Everything on this engine is a test's: remove it so no bridge or mount stays.
    local ids
    ids="$(on_engine ps -aq)"
    # Best effort: a container whose root filesystem is still busy right after a
    # restart ("device or resource busy") goes with the data root below, once the
    # daemon is halted and its mounts are unmounted.
    [ -z "$ids" ] || on_engine rm -f -v $ids >/dev/null ||
      say "some containers could not be removed before the halt; the data root goes below"
    on_engine network prune -f >/dev/null || true
    on_engine volume prune -f >/dev/null || true
  fi
  halt
  # Shims of containers that were running when a daemon went (every `restart` leaves
  # its engine's) outlive it; they are this engine's alone by their containerd
  # namespace, so they go too, or each test run would leave a few behind.
  pkill -f -- "containerd-shim-runc-v2 -namespace podrun-$name " 2>/dev/null || true
  # A killed daemon may leave mounts behind; never delete through a mount.
  local mount
  for mount in $(awk -v a="$data_root" -v b="$exec_root" \
    'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mount" 2>/dev/null || true
  done
  rm -rf --one-file-system "$data_root" "$exec_root"
  rm -f "$pidfile" "$socket"
  ip netns delete "$netns" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  restart)
    halt
    start
    ;;
  stop) stop ;;
  load)
    shift
    [ "$#" -gt 0 ] || { say "load needs at least one image"; exit 2; }
    ping_engine || { say "the test engine is not running (test-engine.sh start)"; exit 1; }
    # The source is the default engine (whatever DOCKER_HOST says for this script).
    docker save "$@" | on_engine load -q >/dev/null
    ;;
  host) echo "unix://$socket" ;;
  *)
    say "usage: test-engine.sh start | restart | stop | load IMAGE... | host"
    exit 2
    ;;
esac
