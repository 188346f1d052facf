#!/bin/sh
# Makes a 60 s 1080p25 "camera-like" H.264 clip for throughput benchmarks (not committed: ~30 MB).
# Usage: scripts/make-bench-clip.sh [OUT [still]]   (default .build-bench/bench_1080p25.mp4; kept if it exists)
#
# Like a city camera's main stream: 4 Mbit/s CBR-ish, GOP 50 (2 s), no B-frames, yuv420p, High profile.
# testsrc2 moves; temporal noise (as a sensor gives) keeps every frame from being trivially compressible.
# "still": a still street instead (testsrc2's first picture held, the same sensor noise), for adaptive decoding.
set -eu
out=${1:-.build-bench/bench_1080p25.mp4}
source="testsrc2=size=1920x1080:rate=25:duration=60,noise=alls=8:allf=t"
if [ "${2:-}" = still ]; then
    source="testsrc2=size=1920x1080:rate=25:duration=60,trim=end_frame=1,loop=loop=1499:size=1,setpts=N/25/TB,noise=alls=8:allf=t"
fi

if [ -e "$out" ]; then
    echo "exists: $out (delete it to regenerate)"
else
    mkdir -p "$(dirname "$out")"
    ffmpeg -nostdin -hide_banner -loglevel error -stats -y \
        -f lavfi -i "$source" \
        -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p \
        -b:v 4M -maxrate 4M -bufsize 8M -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
        -fflags +bitexact -flags +bitexact -map_metadata -1 -movflags +faststart \
        "$out.tmp.mp4"
    mv "$out.tmp.mp4" "$out"
fi

ffprobe -v error -select_streams v:0 \
    -show_entries stream=codec_name,profile,width,height,pix_fmt,r_frame_rate,nb_frames,has_b_frames,bit_rate \
    -show_entries format=duration,size,bit_rate -of default=noprint_wrappers=1 "$out"
printf 'keyframes=%s\n' "$(ffprobe -v error -select_streams v:0 -skip_frame nokey -show_entries frame=pts_time \
    -of csv=p=0 "$out" | grep -c "^[0-9]")"
