#!/usr/bin/env bash
# The main job on a fresh Debian machine with Swift: protection-server on
# 127.0.0.1:7878, its data in ./.protection/ (SQLite). Installs what it needs
# when run as root; otherwise prints the install line. Options go to the server
# (see `swift run protection-server --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt-need.sh
apt_need libsqlite3-dev pkg-config
exec swift run protection-server "$@"
