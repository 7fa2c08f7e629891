#!/usr/bin/env bash
# Debian's chromium, for the test that renders the HTML report in a real browser. No-op when
# present; installs with apt when running as root; otherwise says how (the test then skips
# outside CI and fails inside it).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "note: chromium is not installed (sudo apt-get install chromium); the browser test will skip" >&2
fi
