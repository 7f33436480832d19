#!/usr/bin/env bash
# Makes the small MP4s the emulator serves as results: one per aspect ratio and duration, in the
# exact shape asked for, so tests can check that a 9:16 10 s request yields a 9:16 10 s video.
# 15 s is what extensions grow to: a 5 s clip extended once is 10 s, twice 15 s, and no longer
# (15 s is also the longest duration any model takes). The flags are bitexact, so running this
# again makes byte-identical files.
# Needs ffmpeg (Debian: apt-get install ffmpeg fonts-dejavu-core). Output: resources/samples/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=resources/samples
mkdir -p "$out"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
[ -f "$font" ] || font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

# ratio  width x height (even, exact ratio)
sizes=(
  "16:9 320 180"
  "9:16 180 320"
  "1:1 240 240"
  "4:3 320 240"
  "3:4 240 320"
  "3:2 300 200"
  "2:3 200 300"
)
for entry in "${sizes[@]}"; do
  read -r ratio w h <<<"$entry"
  for seconds in 5 10 15; do
    name="${ratio/:/x}-${seconds}s.mp4"
    label="Kling Studio sandbox  ${ratio/:/\\:}  ${seconds}s"
    ffmpeg -hide_banner -loglevel error -y \
      -f lavfi -i "testsrc2=size=${w}x${h}:rate=12:duration=${seconds}" \
      -vf "drawtext=fontfile=${font}:text='${label}':x=(w-text_w)/2:y=h*0.12:fontsize=h/14:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4,drawtext=fontfile=${font}:text='%{pts\\:hms}':x=(w-text_w)/2:y=h*0.78:fontsize=h/10:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4" \
      -c:v libx264 -preset veryslow -crf 34 -pix_fmt yuv420p -movflags +faststart \
      -fflags +bitexact -flags:v +bitexact -map_metadata -1 -an \
      "$out/$name"
  done
done
du -ch "$out"/*.mp4 | tail -n 1
