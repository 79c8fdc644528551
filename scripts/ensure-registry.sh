#!/usr/bin/env bash
# The pull tests run a real registry on 127.0.0.1 (Debian's docker-registry,
# distribution 2.8): install it when missing. The tests start and stop their own
# instance; the package's service is not used.
set -euo pipefail
command -v docker-registry >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-registry: installing Debian's docker-registry" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends docker-registry >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends docker-registry >/dev/null; }
  exit 0
fi
echo "ensure-registry: docker-registry is not installed; the pull tests will be skipped" >&2
