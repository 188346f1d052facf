#!/bin/sh
# `make demo`: what StreetWatch does today on the bundled samples — probe and decode each clip, scan the
# left-object clip into a draft case (store under .build/demo), then serve a clip as a live RTSP camera.
# Usage: scripts/demo.sh STREETWATCH_BINARY
set -eu
bin=${1:?usage: scripts/demo.sh STREETWATCH_BINARY}
cd "$(dirname "$0")/.."

for clip in samples/*.mp4; do
    echo "== $clip"
    "$bin" probe "$clip"
    "$bin" decode "$clip" --width 320 --fps 5
done

echo "== scan samples/street-left-object.mp4 as camera demo-street of samples/groups/demo.yaml"
"$bin" scan samples/groups/demo.yaml --camera demo-street samples/street-left-object.mp4 --start 2026-11-21T03:10:00+08:00
"$bin" cases --db .build/demo/cases.sqlite

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
/usr/bin/python3 scripts/rtsp-server.py --port "$port" --lifetime 60 --mount demo=samples/street-left-object.mp4 >"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT INT TERM
for _ in $(seq 50); do grep -q ready "$log" && break; sleep 0.2; done
url="rtsp://demo:not-shown@127.0.0.1:$port/demo"
echo "== $url (live, from a local GStreamer RTSP server)"
"$bin" probe "$url"
"$bin" decode "$url" --width 320 --fps 5 --seconds 4
echo "Review the drafts: streetwatch user add <name> --role reviewer, then streetwatch serve --db .build/demo/cases.sqlite"
