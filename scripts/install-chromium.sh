#!/bin/sh
# Install Debian's chromium for the headless-browser test of the study's HTML report
# (test/study/html-browser.test.ts drives it with playwright-core and executablePath /usr/bin/chromium).
# Idempotent; needs root (or sudo). The test skips with a message when chromium is absent.
set -eu
if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
