#!/bin/sh
# Regenerates the demo clips in samples/ with the ffmpeg CLI (licence-clean: every pixel is generated).
# Ground truth for them is samples/labels.json (same format as ../shared/eval/labels.json); the camera group
# that scans them is samples/groups/samples.yaml. Boxes and times in labels.json follow the drawbox
# expressions below: change one, change the other.
# Usage: samples/make-samples.sh
set -eu
cd "$(dirname "$0")"

# Shared x264 settings: fixed GOP, no B-frames, bit-exact output so a rerun gives the same bytes.
encode() {
    out=$1; shift
    ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1 "$@" \
        -c:v libx264 -preset medium -g 20 -keyint_min 20 -sc_threshold 0 -bf 0 \
        -fflags +bitexact -flags +bitexact -map_metadata -1 -x264-params no-info=1 "$out"
}

# street-left-object.mp4 — 30 s, 640x360, 25 fps, H.264 GOP 50: a textured gray street, a dark "person" box
# and a dark "bag" that is carried in and stays. Sensor noise on top. The first person box was meant to walk,
# but drawbox in FFmpeg 5.1 evaluates its position once, so it stands still from the first frame (part of the
# background). The carrier is an overlay (evaluated per frame): he walks in from the left 4-8 s carrying the
# bag at his side, sets it down at x 420-460, y 280-310 at 8 s, and walks off to the right, out of the picture
# by 13 s. A dumped thing is brought by somebody; the abandoned-object rule looks for that owner.
ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1 -filter_complex "\
color=c=0x808080:s=640x360:r=25:d=30,drawgrid=w=80:h=60:t=1:c=0x707070,\
drawbox=x='mod(t*60,640)':y=200:w=30:h=80:c=0x303030:t=fill,\
drawbox=x=420:y=280:w=40:h=30:c=0x202020:t=fill:enable='gte(t,8)'[street];\
color=c=0x383838:s=30x80:r=25:d=30[carrier];\
color=c=0x202020:s=40x30:r=25:d=30[carried];\
[street][carrier]overlay=x='if(lt(t,4),-60,if(lt(t,8),-30+(t-4)*115,if(lt(t,9),430+0,430+(t-9)*55)))':y=225[s1];\
[s1][carried]overlay=x='if(lt(t,4),-60,if(lt(t,8),-30+(t-4)*112.5,-60))':y=280,noise=alls=6:allf=t,format=yuv420p" \
    -t 30 -c:v libx264 -preset medium -crf 30 -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
    -fflags +bitexact -flags +bitexact -map_metadata -1 -x264-params no-info=1 \
    street-left-object.mp4

# Moving things are small `color` sources laid over the background by `overlay`, whose x/y are evaluated per
# frame (drawbox in FFmpeg 5.1 evaluates its position once, so it cannot move anything).

# street-vending.mp4 — 150 s, 640x360, 10 fps, daylight sidewalk. A vendor wheels a stall (130x80, dark
# body, light awning) in from the right between 10 and 16 s and sets it up at x 260-390, y 200-280; it stays
# until 140 s, then is wheeled off to the right. The vendor (a box beside the stall) shifts about all the
# time; passers-by cross on the sidewalk, a customer stands at the stall from 50 to 58 s, cars pass on the road.
encode street-vending.mp4 -filter_complex "\
color=c=0x8c8c8c:s=640x360:r=10:d=150,drawbox=x=0:y=0:w=640:h=110:c=0x5a5a5a:t=fill,drawgrid=x=0:y=110:w=64:h=50:t=1:c=0x7c7c7c[bg];\
color=c=0x3c3c50:s=130x80:r=10:d=150,drawbox=x=0:y=0:w=130:h=18:c=0xd8d8c0:t=fill[stall];\
color=c=0x303030:s=24x62:r=10:d=150[vendor];\
color=c=0x404040:s=26x64:r=10:d=150[p1];\
color=c=0x505050:s=24x60:r=10:d=150[p2];\
color=c=0x383838:s=24x62:r=10:d=150[customer];\
color=c=0x2c2c2c:s=110x50:r=10:d=150[car];\
[bg][stall]overlay=x='if(lt(t,10),700,if(lt(t,16),640-(t-10)*63.333,if(lt(t,140),260,260+(t-140)*70)))':y=200:shortest=1[s1];\
[s1][vendor]overlay=x='if(lt(t,10),720,if(lt(t,16),770-(t-10)*63.333,if(lt(t,140),400+12*sin(t*1.3),400+(t-140)*70)))':y='205+4*sin(t*2.1)'[s2];\
[s2][p1]overlay=x='mod(t*55,760)-60':y=130[s3];\
[s3][p2]overlay=x='700-mod(t*40+300,800)':y=292[s4];\
[s4][customer]overlay=x='if(lt(t,30),-100,if(lt(t,50),-40+(t-30)*12.6,if(lt(t,58),212,212-(t-58)*30)))':y=212[s5];\
[s5][car]overlay=x='mod(t*120,1400)-200':y=40,noise=alls=4:allf=t,format=yuv420p" -crf 33

# night-dumping.mp4 — 60 s, 640x360, 10 fps, a garbage point at night: dark, heavy sensor noise. A garbage
# container stands at the right all the time. A person (lit only a little) carries a light plastic bag in
# from the left (4-12 s), stands at the point, sets the bag down at 14 s at x 326-362, y 292-320, and walks
# off to the right, out of the frame by 24 s. The bag stays to the end.
encode night-dumping.mp4 -filter_complex "\
color=c=0x1c1c1c:s=640x360:r=10:d=60,drawbox=x=0:y=0:w=640:h=150:c=0x101010:t=fill,\
drawbox=x=430:y=150:w=170:h=110:c=0x343434:t=fill,drawbox=x=430:y=150:w=170:h=10:c=0x484848:t=fill[bg];\
color=c=0x4c4c4c:s=26x70:r=10:d=60[person];\
color=c=0x7a7a7a:s=36x28:r=10:d=60[bag];\
[bg][person]overlay=x='if(lt(t,4),-40,if(lt(t,12),-30+(t-4)*41.25,if(lt(t,15),300,300+(t-15)*40)))':y=225:shortest=1[s1];\
[s1][bag]overlay=x='if(lt(t,4),-60,if(lt(t,12),-6+(t-4)*41.25,if(lt(t,14),324+(t-12),326)))':y='if(lt(t,12),255,if(lt(t,14),255+(t-12)*18.5,292))',\
noise=alls=12:allf=t,format=yuv420p" -crf 37

# street-traps.mp4 — 60 s, 640x360, 10 fps, daylight street with only traps, no event. A car (260x110)
# drives in at 3 s, parks at x 180-440 from 6 s (a drop-off) and drives off at 46-50 s, uncovering the road
# it hid; the street lights come on at 20 s (a global brightness jump) and go off again at 38 s; a crowd of
# six passes between 22 and 37 s.
encode street-traps.mp4 -filter_complex "\
color=c=0x8a8a8a:s=640x360:r=10:d=60,drawgrid=w=80:h=60:t=1:c=0x7a7a7a[bg];\
color=c=0x3a3a3a:s=260x110:r=10:d=60,drawbox=x=40:y=12:w=170:h=40:c=0x6a6a78:t=fill[car];\
color=c=0x3c3c3c:s=24x62:r=10:d=60[c1];color=c=0x484848:s=24x62:r=10:d=60[c2];color=c=0x303030:s=24x62:r=10:d=60[c3];\
color=c=0x505050:s=24x58:r=10:d=60[c4];color=c=0x404040:s=24x50:r=10:d=60[c5];color=c=0x444444:s=24x62:r=10:d=60[c6];\
[bg][car]overlay=x='if(lt(t,3),-300,if(lt(t,6),-260+(t-3)*146.67,if(lt(t,46),180,180+(t-46)*120)))':y=200:shortest=1[s0];\
[s0][c1]overlay=x='if(between(t,22,34),(t-22)*60-30,-100)':y=120[s1];\
[s1][c2]overlay=x='if(between(t,23,36),(t-23)*52-30,-100)':y=150[s2];\
[s2][c3]overlay=x='if(between(t,22,34),670-(t-22)*58,-100)':y=128[s3];\
[s3][c4]overlay=x='if(between(t,24,35),670-(t-24)*64,-100)':y=300[s4];\
[s4][c5]overlay=x='if(between(t,24,34),(t-24)*70-30,-100)':y=310[s5];\
[s5][c6]overlay=x='if(between(t,25,37),(t-25)*56-30,-100)':y=135,\
eq=brightness=0.14:enable='between(t,20,38)',noise=alls=5:allf=t,format=yuv420p" -crf 33
