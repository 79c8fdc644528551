#!/usr/bin/env bash
# Install every host package podrun's scripts use, when it is missing, so that the
# README's two commands work on a bare Debian/Ubuntu machine.
#
# Each entry is "what we check : Debian package". A check is a command on PATH or,
# when it starts with '/', a file that must exist. Only what is missing is installed,
# with one `apt-get update` first; an up-to-date machine costs a few `command -v`.
#
# Usage: ensure-host-packages.sh [GROUP...]   (default: all but engine)
#   engine   Debian's Docker engine and what it needs (docker.io, iptables, CA
#            certificates); ensure-docker.sh asks for it only when no engine answers
#   build    C toolchain for the static pause binary and podtool (gcc, static libc)
#   images   Debian's static busybox for the test and example images
#   registry Debian's docker-registry for the pull tests
#   tools    curl (engine ping), procps (pgrep, ps), openssl (the HTTPS probe test's
#            server), iproute2 and util-linux (the test engine's network namespace)
#   bench    Debian's podman and catatonit, for `npm run bench -- --podman` only
#            (never part of the default set: tests do not need podman)
set -euo pipefail

say() { echo "ensure-host-packages: $*" >&2; }

declare -A GROUPS_OF=(
  [engine]="dockerd:docker.io iptables:iptables /etc/ssl/certs/ca-certificates.crt:ca-certificates"
  [build]="gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev"
  [images]="/bin/busybox:busybox-static"
  [registry]="docker-registry:docker-registry"
  [tools]="curl:curl pgrep:procps ps:procps ip:iproute2 nsenter:util-linux openssl:openssl"
  [bench]="podman:podman catatonit:catatonit"
)

groups=("$@")
[ "${#groups[@]}" -gt 0 ] || groups=(tools build images registry)

# libc.a lives under the multiarch triplet; look it up instead of assuming x86_64.
libc_static() {
  local triplet
  triplet="$(gcc -print-multiarch 2>/dev/null || true)"
  for path in "/usr/lib/$triplet/libc.a" /usr/lib/*/libc.a /usr/lib/libc.a; do
    [ -f "$path" ] && return 0
  done
  return 1
}

present() {
  local check="$1"
  case "$check" in
    */libc.a) libc_static ;;
    # Debian's busybox (dynamic) also installs /bin/busybox: only the static build
    # runs in a FROM-scratch image, so ask dpkg for the package itself.
    /bin/busybox) dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ;;
    /*) [ -e "$check" ] ;;
    *) command -v "$check" >/dev/null 2>&1 ;;
  esac
}

missing=()
for group in "${groups[@]}"; do
  entries="${GROUPS_OF[$group]:-}"
  [ -n "$entries" ] || { say "unknown group '$group'"; exit 2; }
  for entry in $entries; do
    check="${entry%:*}"
    package="${entry##*:}"
    present "$check" || missing+=("$package")
  done
done

[ "${#missing[@]}" -gt 0 ] || exit 0
# De-duplicate while keeping the order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${missing[*]}; install them with your package manager (as root on Debian/Ubuntu: apt-get install ${missing[*]}) and retry"
  exit 1
fi

say "installing Debian's ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
apt-get update -qq >/dev/null
# busybox-static conflicts with the dynamic busybox: apt replaces it, which is fine.
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/podrun-apt.log 2>&1; then
  say "apt-get install ${missing[*]} failed; the last lines of /tmp/podrun-apt.log:"
  tail -n 15 /tmp/podrun-apt.log >&2
  exit 1
fi
say "installed ${missing[*]} ($(($(date +%s) - start)) s)"
