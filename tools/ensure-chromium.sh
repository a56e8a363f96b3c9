#!/usr/bin/env bash
# Makes sure Debian's Chromium (the browser the tests and the headless demo drive) is installed.
# `npx playwright install` cannot download browsers here, so we use the distribution's package.
set -euo pipefail
browser=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium (needed for the WebGPU tests and the headless demo)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "error: $browser not found. Install Chromium (Debian: apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
