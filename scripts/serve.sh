#!/usr/bin/env bash
# The main job on a fresh Debian machine with Swift: protection-server on
# 127.0.0.1:7878, its data in ./.protection/ (SQLite). Installs what it needs
# when run as root; otherwise prints the install line. Options go to the server
# (see `swift run protection-server --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in libsqlite3-dev pkg-config; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]]; then
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    else
        echo "missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
exec swift run protection-server "$@"
