#!/bin/sh
# xvfb_window.sh - patrolview's real window on a virtual X server, driven like a user would:
# wait for the window, press keys (help, play/pause, speeds, jump to the next call and the next
# major incident, layers, full screen, reset and whole-district views), click on the map, save a
# screenshot with P (which proves the keys reach it), quit with Q; it must exit 0 on its own.
#
# usage: xvfb_window.sh PATROLVIEW FILE.h5 WORKDIR
# Exits 77 (CTest's SKIP_RETURN_CODE) when Xvfb or xdotool is missing: Debian packages xvfb and
# xdotool (scripts/quickstart installs them).
set -u
pv=$1 file=$2 work=$3
command -v Xvfb >/dev/null 2>&1 || { echo "skipped: Xvfb is not installed (apt-get install xvfb)"; exit 77; }
command -v xdotool >/dev/null 2>&1 || { echo "skipped: xdotool is not installed (apt-get install xdotool)"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>display.txt 2>xvfb.log &
xvfb=$!
pv_pid=
cleanup() {
    [ -n "$pv_pid" ] && kill "$pv_pid" 2>/dev/null
    kill "$xvfb" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
i=0
while [ ! -s display.txt ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s display.txt ] || { echo "FAIL: Xvfb did not start"; cat xvfb.log; exit 1; }
DISPLAY=:$(cat display.txt)
export DISPLAY

PATROLVIEW_STATS=1 "$pv" "$file" --size 1200x760 --at 1:08:00 >out.txt 2>err.txt &
pv_pid=$!
wid=$(timeout 20 xdotool search --sync --onlyvisible --name "patrolview" 2>/dev/null | head -n 1)
[ -n "$wid" ] || { echo "FAIL: no patrolview window appeared"; cat err.txt; exit 1; }
xdotool windowfocus --sync "$wid" 2>/dev/null || true
sleep 0.5
for k in F1 F1 space plus plus minus space n m Escape z z t t g g k k a r; do
    xdotool key --clearmodifiers "$k"
    sleep 0.1
done
xdotool mousemove --window "$wid" 600 350 click 1
sleep 0.2
xdotool mousemove --window "$wid" 600 350 click --repeat 2 4
sleep 0.2
xdotool key f
sleep 0.5
xdotool key f
sleep 0.3
xdotool key p
sleep 1
xdotool key q
i=0
while kill -0 "$pv_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pv_pid" 2>/dev/null; then
    echo "FAIL: patrolview did not quit on Q"
    exit 1
fi
wait "$pv_pid"
rc=$?
pv_pid=
cat out.txt err.txt
[ "$rc" -eq 0 ] || { echo "FAIL: patrolview exited with status $rc"; exit 1; }
ls patrolview-*.png >/dev/null 2>&1 || { echo "FAIL: P saved no screenshot (keys did not arrive?)"; exit 1; }
grep -q "frames" err.txt || { echo "FAIL: no frame statistics"; exit 1; }
echo "ok: window opened, took keys and clicks, saved $(ls patrolview-*.png), quit with status 0"
exit 0
