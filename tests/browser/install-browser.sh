#!/usr/bin/env bash
# Debian's chromium and chromedriver for the desk page's browser tests (make test runs this).
# Where nothing can be installed (no root, no apt), the browser tests skip and say why.
set -uo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "browser tests: chromium is not installed and this user cannot install it (they will skip)"
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "browser tests: no apt-get to install chromium with (they will skip)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "browser tests: installing Debian's chromium and chromium-driver"
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null \
  || { $SUDO apt-get update -q >/dev/null && \
       $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null; } \
  || echo "browser tests: installing chromium failed (they will skip)"
exit 0
