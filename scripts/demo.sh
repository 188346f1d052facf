#!/bin/sh
# `make demo`: what StreetWatch does today on the bundled samples — probe each clip, scan every sample as its
# camera of samples/groups/samples.yaml into draft cases (store under .build/demo), list them, then serve a
# clip as a live RTSP camera.
# Usage: scripts/demo.sh STREETWATCH_BINARY
set -eu
bin=${1:?usage: scripts/demo.sh STREETWATCH_BINARY}
cd "$(dirname "$0")/.."

for clip in samples/*.mp4; do
    echo "== $clip"
    "$bin" probe "$clip"
done

# A fresh store each time, so the list below is exactly what this run found.
rm -rf .build/demo
start=2026-11-21T03:10:00+08:00
for clip in samples/street-left-object.mp4 samples/street-vending.mp4 samples/night-dumping.mp4 samples/street-traps.mp4; do
    camera=$(basename "$clip" .mp4)
    echo "== scan $clip as camera $camera of samples/groups/samples.yaml"
    "$bin" scan samples/groups/samples.yaml --camera "$camera" "$clip" --start "$start"
done
echo "== draft cases in .build/demo/cases.sqlite"
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
cat <<EOF
== review the drafts in a browser
  $bin user add <name> --db .build/demo/cases.sqlite      (asks for a password)
  $bin serve --db .build/demo/cases.sqlite
  then open http://127.0.0.1:8080/ and log in
EOF
