#!/bin/sh
# The GUI under valgrind as a native Wayland client: a private headless sway 1.7 (wlroots,
# pixman renderer), Mesa llvmpipe EGL, through the churn of valgrind-gui.sh (>= 20 tabs in >= 5
# windows, all through `uvterm msg`): 0 bytes definitely or indirectly lost, 0 errors, and
# fds, GL objects and GL contexts back at their baseline (churn.py).
#
# sway refuses to run as root: as root, the compositor, uvterm (under valgrind) and the churn
# client run as the unprivileged user uvterm-test (created if missing, as tests/wayland.rs
# does), in a private directory with a 0700 XDG_RUNTIME_DIR; the binary, churn.py and the
# suppressions are copied there (the checkout may be closed to that user).
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
TABS=${VALGRIND_GUI_TABS:-30}
WINDOWS=${VALGRIND_GUI_WINDOWS:-6}
LOG_KEEP=/tmp/uvterm-valgrind-gui-wayland.log

if [ "$(id -u)" -eq 0 ]; then
    id -u uvterm-test >/dev/null 2>&1 || useradd --system --no-create-home \
        --home-dir /nonexistent --shell /bin/sh uvterm-test
    AS_USER="setpriv --reuid=$(id -u uvterm-test) --regid=$(id -g uvterm-test) --clear-groups --"
else
    AS_USER=""
fi
WORK=$(mktemp -d /tmp/uvterm-leak-wayland.XXXXXX)
chmod 755 "$WORK"
mkdir -m 700 "$WORK/run"
cp "$UVTERM_BIN" "$WORK/uvterm"
cp tests/leak/churn.py valgrind.supp "$WORK/"
chmod 755 "$WORK/uvterm"
printf 'output HEADLESS-1 resolution 1280x800\ndefault_border none\n' >"$WORK/sway.config"
[ -z "$AS_USER" ] || chown -R uvterm-test: "$WORK"
cd "$WORK"
ENV="env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=$WORK LANG=C.UTF-8 \
XDG_RUNTIME_DIR=$WORK/run SWAYSOCK=$WORK/run/sway.sock XDG_CONFIG_HOME=$WORK \
XDG_CACHE_HOME=$WORK/cache UVTERM_BIN=$WORK/uvterm"
SWAY_PID=""
DAEMON_PID=""
cleanup() {
    [ -z "$DAEMON_PID" ] || kill "$DAEMON_PID" 2>/dev/null || true
    [ -z "$SWAY_PID" ] || kill "$SWAY_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    cd /
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

$AS_USER $ENV WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    sway -c "$WORK/sway.config" >"$WORK/sway.log" 2>&1 &
SWAY_PID=$!
i=0
until WL=$(ls "$WORK/run" 2>/dev/null | grep '^wayland-[0-9]*$' | head -n1) && [ -n "$WL" ]; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$SWAY_PID" 2>/dev/null; then
        echo "sway did not start:" >&2
        cat "$WORK/sway.log" >&2
        exit 1
    fi
    sleep 0.1
done

SOCKET="$WORK/run/uvterm.sock"
VG=$(echo "$VALGRIND" | sed "s|--suppressions=valgrind.supp|--suppressions=$WORK/valgrind.supp|")
# llvmpipe without its worker threads (as in valgrind-gui.sh).
$AS_USER $ENV WAYLAND_DISPLAY="$WL" UVTERM_BACKEND=wayland LIBGL_ALWAYS_SOFTWARE=1 \
    LP_NUM_THREADS=0 $VG --log-file="$WORK/valgrind.log" \
    "$WORK/uvterm" --socket "$SOCKET" -e /bin/sh -c 'exec sleep 3600' \
    >"$WORK/stdout" 2>"$WORK/stderr" &
DAEMON_PID=$!
i=0
until $AS_USER $ENV "$WORK/uvterm" msg --socket "$SOCKET" list 2>/dev/null |
    grep -q '"geometry":{'; do
    i=$((i + 1))
    if [ $i -gt 3000 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
        echo "uvterm (Wayland GUI) did not show a window:" >&2
        cat "$WORK/stderr" >&2
        exit 1
    fi
    sleep 0.1
done
churn=0
$AS_USER $ENV python3 "$WORK/churn.py" --socket "$SOCKET" --tabs "$TABS" --windows "$WINDOWS" \
    --batch "$TABS" --lines 500 --timeout 900 --gui-windows || churn=1
status=0
$AS_USER $ENV "$WORK/uvterm" msg --socket "$SOCKET" shutdown >/dev/null || true
wait "$DAEMON_PID" || status=$?
DAEMON_PID=""
cp "$WORK/valgrind.log" "$LOG_KEEP"
valgrind_verdict "$LOG_KEEP" "$status" "GUI, Wayland" || exit 1
[ "$churn" -eq 0 ] || exit 1
echo "valgrind (GUI on Wayland, $TABS tabs in $WINDOWS windows): 0 bytes definitely/indirectly lost, 0 errors"
