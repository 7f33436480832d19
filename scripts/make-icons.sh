#!/usr/bin/env bash
# Makes the app icon (1024 px; electron-builder derives .icns and .ico from it) and the small
# icon shown under the cursor while a video is dragged out to an editor. Needs Debian ffmpeg.
set -euo pipefail
cd "$(dirname "$0")/.."
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
make_icon() {
  local size=$1 out=$2
  local r=$((size * 22 / 100))
  # A blue-violet gradient square with rounded corners, a bold K and a play mark.
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "gradients=s=${size}x${size}:c0=0x3a56e0:c1=0xa45cf0:x0=0:y0=0:x1=${size}:y1=${size}:d=1,format=rgba" \
    -vf "drawtext=fontfile=${font}:text='K':fontcolor=white:fontsize=${size}*0.62:x=(w-text_w)/2-w*0.06:y=(h-text_h)/2,drawtext=fontfile=${font}:text='▶':fontcolor=0xffd166:fontsize=${size}*0.26:x=w*0.64:y=h*0.60,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(gt(hypot(max(${r}-X,max(X-(W-1-${r}),0)),max(${r}-Y,max(Y-(H-1-${r}),0))),${r}),0,255)'" \
    -frames:v 1 "$out"
}
make_icon 1024 resources/icon.png
make_icon 64 resources/drag-icon.png
ls -l resources/icon.png resources/drag-icon.png
