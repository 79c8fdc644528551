#!/usr/bin/env bash
# Compile images/pause/*.c (the pause process, its prober, the Service proxy, the
# namespace resolver, the port-forward relay) into
# a static binary for the build machine's architecture:
# images/pause/bin/pause-linux-<arch> (arch as Docker names it).
# The binary ships in the npm package, so users never need a compiler; podrun copies
# it into a FROM-scratch image when no registry pause image is available.
#
# Idempotent: skips when the binary is newer than its sources and reports the
# package version. Overrides: CC (compiler), PAUSE_ARCH (output name, for a cross
# compiler, e.g. CC=aarch64-linux-gnu-gcc PAUSE_ARCH=arm64).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
srcdir="$root/images/pause"
sources=("$srcdir/pause.c" "$srcdir/proxy.c" "$srcdir/proxy-control.c" "$srcdir/dns.c" "$srcdir/relay.c" "$srcdir/common.c")
say() { echo "build-pause: $*" >&2; }

docker_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    armv7l | armv7*) echo arm ;;
    ppc64le) echo ppc64le ;;
    s390x) echo s390x ;;
    riscv64) echo riscv64 ;;
    *) say "unsupported machine $(uname -m)"; exit 1 ;;
  esac
}

arch="${PAUSE_ARCH:-$(docker_arch)}"
out="$root/images/pause/bin/pause-linux-$arch"
version="$(node -p "require('$root/package.json').version")"

# Up to date: newer than every source (headers too) and this script, and built for
# this version. (Only a native binary can be asked for its version; a cross build
# checks mtime only.)
fresh() {
  [ -x "$out" ] && [ "$out" -nt "${BASH_SOURCE[0]}" ] || return 1
  local file
  for file in "$srcdir"/*.c "$srcdir"/*.h; do
    [ "$out" -nt "$file" ] || return 1
  done
}
if fresh; then
  if [ -n "${PAUSE_ARCH:-}" ] || [ "$("$out" --version 2>/dev/null | head -n 1)" = "podrun-pause $version" ]; then
    say "up to date: ${out#"$root"/}"
    exit 0
  fi
fi

cc="${CC:-}"
if [ -z "$cc" ]; then
  for candidate in gcc cc clang; do
    if command -v "$candidate" >/dev/null 2>&1; then cc="$candidate"; break; fi
  done
fi
if [ -z "$cc" ] || ! command -v "$cc" >/dev/null 2>&1; then
  say "no C compiler found (set CC, or install one: apt-get install gcc libc6-dev); it is needed once to build ${out#"$root"/}"
  exit 1
fi

mkdir -p "$(dirname "$out")"
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
start=$(date +%s%N)
# -static: the image is FROM scratch (no libc); -Os -s: small, stripped.
if ! "$cc" -static -Os -s -Wall -Wextra -Werror \
  -DPODRUN_PAUSE_VERSION="\"$version\"" -o "$tmp" "${sources[@]}"; then
  say "compiling ${sources[*]#"$root"/} with $cc failed (a static libc is needed: apt-get install libc6-dev)"
  exit 1
fi
chmod 0755 "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
say "built ${out#"$root"/} ($(stat -c %s "$out") bytes, $(( ($(date +%s%N) - start) / 1000000 )) ms)"
