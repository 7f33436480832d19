#!/usr/bin/env bash
# Makes the small MP4s the emulator serves as results: one per aspect ratio and duration, in the
# exact shape asked for, so tests can check that a 9:16 10 s request yields a 9:16 10 s video.
# 720p (720 px on the short side), so the first video a person sees fills the player and any
# frame of it is a valid input image (at least 300 px each side). Still pictures (colour bars,
# a label, a clock and one moving square) keep each file small at that size.
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
  "16:9 1280 720"
  "9:16 720 1280"
  "1:1 720 720"
  "4:3 960 720"
  "3:4 720 960"
  "3:2 1080 720"
  "2:3 720 1080"
)
for entry in "${sizes[@]}"; do
  read -r ratio w h <<<"$entry"
  for seconds in 5 10 15; do
    name="${ratio/:/x}-${seconds}s.mp4"
    label="Kling Studio sandbox  ${ratio/:/\\:}  ${seconds}s"
    text="fontfile=${font}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=(w-text_w)/2"
    ffmpeg -hide_banner -loglevel error -y \
      -f lavfi -i "smptehdbars=size=${w}x${h}:rate=12:duration=${seconds}" \
      -f lavfi -i "color=c=white:size=96x96:rate=12" \
      -filter_complex "[0][1]overlay=x='(W-w)*t/${seconds}':y=H*0.62:shortest=1,drawtext=${text}:text='${label}':y=h*0.12:fontsize=min(h/14\,w/24),drawtext=${text}:text='%{pts\\:hms}':y=h*0.78:fontsize=min(w\,h)/10" \
      -c:v libx264 -preset veryslow -crf 34 -pix_fmt yuv420p -movflags +faststart \
      -fflags +bitexact -flags:v +bitexact -map_metadata -1 -an \
      "$out/$name"
  done
done
du -ch "$out"/*.mp4 | tail -n 1
