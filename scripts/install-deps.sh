#!/bin/sh
# Installs the Debian packages StreetWatch builds, tests and benchmarks with, if any is missing.
# Usage: scripts/install-deps.sh [bench]   (uses sudo when not root; `bench` adds Debian's motion, the peer row)
set -eu
packages="libavformat-dev libavcodec-dev libswscale-dev libavutil-dev pkg-config ffmpeg
python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-x chromium fonts-noto-cjk postgresql"
[ "${1:-}" = bench ] && packages="$packages motion"

missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split into words
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The motion package starts a system-wide daemon; the benchmark runs its own, so that one is switched off. The tests
# start their own PostgreSQL cluster (initdb into a temporary folder as the postgres user); the package's default
# cluster may stay, it listens on its own port and the tests never touch it.
case "$missing" in *motion*) $sudo systemctl disable --now motion.service >/dev/null 2>&1 || true ;; esac
