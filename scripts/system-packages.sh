#!/usr/bin/env bash
# Make sure the Debian packages a make target needs are installed.
#   scripts/system-packages.sh COMMAND:PACKAGE ...   e.g. chromium:chromium dot:graphviz nginx:nginx-light
# A package whose command is missing is installed with apt-get when this runs as root on Debian;
# otherwise the script prints one line naming what to install and exits 1, before any long step.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
missing=()
for pair in "$@"; do
  have "${pair%%:*}" || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
  for pair in "$@"; do
    have "${pair%%:*}" || { echo "make: ${pair#*:} installed but ${pair%%:*} still not found" >&2; exit 1; }
  done
  exit 0
fi
echo "make: missing system packages: ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]}) and run make again" >&2
exit 1
