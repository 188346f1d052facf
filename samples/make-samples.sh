#!/bin/sh
# Regenerates the demo clips in samples/ with the ffmpeg CLI (licence-clean: every pixel is generated).
# Usage: samples/make-samples.sh
set -eu
cd "$(dirname "$0")"

# street-left-object.mp4 — 30 s, 640x360, 25 fps, H.264 GOP 50: a textured gray street, a "walker" box
# crossing left to right all the time, and a dark "bag" that appears at 8 s and stays. Sensor noise on top.
ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1 \
    -f lavfi -i "color=c=0x808080:s=640x360:r=25:d=30" \
    -vf "drawgrid=w=80:h=60:t=1:c=0x707070,\
drawbox=x='mod(t*60,640)':y=200:w=30:h=80:c=0x303030:t=fill,\
drawbox=x=420:y=280:w=40:h=30:c=0x202020:t=fill:enable='gte(t,8)',\
noise=alls=6:allf=t,format=yuv420p" \
    -c:v libx264 -preset medium -crf 30 -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
    -fflags +bitexact -flags +bitexact -map_metadata -1 -x264-params no-info=1 \
    street-left-object.mp4
