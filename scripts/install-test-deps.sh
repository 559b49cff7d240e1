#!/usr/bin/env bash
# Installs what the browser tests need beyond Python packages: Debian's chromium (Playwright
# drives it; its own browser download does not work here) and Thai fonts. Needs root for
# apt-get; without it, the browser tests are reported as skipped unless REQUIRE_BROWSER=1.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get not found; browser tests need /usr/bin/chromium" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "install-test-deps: not root; install chromium yourself for the browser tests" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-thai-tlwg >/dev/null
echo "install-test-deps: chromium installed"
