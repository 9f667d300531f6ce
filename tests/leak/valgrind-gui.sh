#!/bin/sh
# The GUI under valgrind on a private Xvfb (Mesa llvmpipe), through a churn of >= 20 tabs in
# >= 5 windows (with split panes: churn.py splits half as many panes off them), all through
# `uvterm msg`, then configuration reloads (edits of an included file, one broken): 0 bytes
# definitely or indirectly lost, 0 errors, and the GL objects and contexts our renderer counts
# back at their baseline. With a private session bus and dunst, a tab's desktop notifications
# start the notifier thread first (its D-Bus connection must go with the process too).
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
TABS=${VALGRIND_GUI_TABS:-30}
WINDOWS=${VALGRIND_GUI_WINDOWS:-6}
LOG=/tmp/uvterm-valgrind-gui.log

start_xvfb
notify=0
start_session_bus && notify=1
LOGDIR=$(mktemp -d /tmp/uvterm-leak-gui.XXXXXX)
SOCKET="$LOGDIR/uvterm.sock"
# A configuration with an include, edited and reloaded below (the file watchers' handles,
# the settle timer, the reload path and the error banner under memcheck too).
mkdir -p "$LOGDIR/uvterm"
printf 'include = ["colours.toml"]\n' >"$LOGDIR/uvterm/uvterm.toml"
printf '[colors]\nbackground = "#101010"\n' >"$LOGDIR/uvterm/colours.toml"
# llvmpipe without its worker threads: valgrind runs threads one at a time anyway, and fewer
# threads make the run shorter and the report smaller.
DISPLAY=$XVFB_DISPLAY LIBGL_ALWAYS_SOFTWARE=1 LP_NUM_THREADS=0 XDG_CONFIG_HOME="$LOGDIR" \
    $VALGRIND --log-file="$LOG" \
    "$UVTERM_BIN" --socket "$SOCKET" -o notifications.when=always -e /bin/sh -c 'exec sleep 3600' \
    >"$LOGDIR/stdout" 2>"$LOGDIR/stderr" &
DAEMON_PID=$!
wait_for_window || { cat "$LOGDIR/stderr" >&2; stop_session_bus; stop_xvfb; exit 1; }
if [ "$notify" -eq 1 ]; then
    # Seven notifications from one tab: the rate limit passes five, drops two.
    tab=$("$UVTERM_BIN" msg --socket "$SOCKET" create-tab -e /bin/sh -c \
        'for i in 1 2 3 4 5 6 7; do printf "\033]9;valgrind %s\007" $i; done; exec sleep 3600')
    i=0
    until [ $(($(stat notifications_sent) + $(stat notifications_dropped))) -ge 7 ]; do
        i=$((i + 1))
        if [ $i -gt 600 ]; then echo "notifications never settled" >&2; break; fi
        sleep 0.1
    done
    echo "notifications: $(stat notifications_sent) sent, $(stat notifications_dropped) dropped"
    "$UVTERM_BIN" msg --socket "$SOCKET" close-tab "$tab" >/dev/null
fi
churn=0
python3 tests/leak/churn.py --socket "$SOCKET" --tabs "$TABS" --windows "$WINDOWS" \
    --batch "$TABS" --lines 500 --timeout 900 --gui-windows || churn=1
# Reloads: saved by rename and in place, one broken edit (kept out, reported), then good.
i=0
while [ "$i" -lt "${VALGRIND_GUI_RELOADS:-20}" ]; do
    printf '[colors]\nbackground = "#1010%02x"\n' "$i" >"$LOGDIR/uvterm/colours.toml.new"
    mv "$LOGDIR/uvterm/colours.toml.new" "$LOGDIR/uvterm/colours.toml"
    sleep 0.3
    "$UVTERM_BIN" msg --socket "$SOCKET" reload-config >/dev/null || churn=1
    i=$((i + 1))
done
printf '[colors]\nbackground = "nope"\n' >"$LOGDIR/uvterm/colours.toml"
if "$UVTERM_BIN" msg --socket "$SOCKET" reload-config 2>/dev/null; then churn=1; fi
printf '[colors]\nbackground = "#202020"\n' >"$LOGDIR/uvterm/colours.toml"
"$UVTERM_BIN" msg --socket "$SOCKET" reload-config >/dev/null || churn=1
status=0
stop_daemon || status=$?
stop_session_bus
stop_xvfb
valgrind_verdict "$LOG" "$status" GUI || exit 1
[ "$churn" -eq 0 ] || exit 1
echo "valgrind (GUI, $TABS tabs in $WINDOWS windows): 0 bytes definitely/indirectly lost, 0 errors"
