#!/bin/sh
# Regenerates the test clips in this directory with the ffmpeg CLI (made with ffmpeg 5.1.x / libx264 164).
# Usage: Tests/FrameIngestTests/Fixtures/make-fixtures.sh   (writes next to itself, overwrites)
#
# Reruns with the same ffmpeg/x264 build give identical bytes: -threads 1 (x264 output does not depend on
# thread timing), bitexact muxing with no metadata, and the x264 SEI (its version + options string) stripped
# with filter_units. A different x264 build may encode differently; the facts in README.md still hold.
set -eu
cd "$(dirname "$0")"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
BITEXACT="-fflags +bitexact -flags +bitexact -map_metadata -1"
# Closed GOPs of exactly -g frames: no scene-cut keyframes, no B-frames, SEI NAL units (type 6) removed.
x264() { echo "-c:v libx264 -preset medium -crf $1 -g $2 -keyint_min $2 -sc_threshold 0 -bf 0 -pix_fmt yuv420p -threads 1 -bsf:v filter_units=remove_types=6"; }

# shellcheck disable=SC2046,SC2086  # word splitting of the option strings is intended
{
ff -f lavfi -i testsrc2=size=320x180:rate=25:duration=2 $(x264 28 25) $BITEXACT h264_320x180_25fps_2s.mp4

ff -f lavfi -i testsrc2=size=640x360:rate=25:duration=4 $(x264 36 50) $BITEXACT h264_640x360_25fps_4s_gop50.mp4

ff -f lavfi -i testsrc2=size=320x240:rate=25:duration=2 -c:v mpeg4 -q:v 15 -g 25 -bf 0 -pix_fmt yuv420p -threads 1 \
   $BITEXACT mpeg4_320x240_25fps_2s.avi

# The mp4 muxer writes moov after mdat unless +faststart, so the first half of the file has no moov at all.
head -c "$(( $(wc -c < h264_320x180_25fps_2s.mp4) / 2 ))" h264_320x180_25fps_2s.mp4 > h264_truncated.mp4

# moov first (+faststart), then mdat cut in half: opens fine, decodes the first frames, then ends early.
ff -i h264_320x180_25fps_2s.mp4 -c copy -movflags +faststart $BITEXACT /tmp/faststart.$$.mp4
head -c "$(( $(wc -c < /tmp/faststart.$$.mp4) / 2 ))" /tmp/faststart.$$.mp4 > h264_cut_mdat.mp4
rm -f /tmp/faststart.$$.mp4

# 3 s of H.264 in MPEG-TS, then 4000 bytes from the file's middle overwritten with a fixed pattern.
ff -f lavfi -i testsrc2=size=320x180:rate=25:duration=3 $(x264 28 25) $BITEXACT -f mpegts h264_corrupt_middle.ts
size=$(wc -c < h264_corrupt_middle.ts)
yes 'StreetWatch garbage 0123456789 ' | head -c 4000 |
    dd of=h264_corrupt_middle.ts bs=1 seek=$(( size / 2 )) conv=notrunc status=none

# Flat luma: frames 0-24 left half black (Y=16) / right half white (Y=235); frames 25-49 swapped.
ff -f lavfi -i "color=c=black:s=160x90:r=25:d=2,format=yuv420p,\
drawbox=x=80:y=0:w=80:h=90:color=white:t=fill:enable='lt(t,1)',\
drawbox=x=0:y=0:w=80:h=90:color=white:t=fill:enable='gte(t,1)'" $(x264 10 25) $BITEXACT gray_halves_160x90.mp4
}

ls -l ./*.mp4 ./*.avi ./*.ts
