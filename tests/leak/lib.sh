# Shared by the leak checks (sourced). Starts a headless uvterm under an optional wrapper
# (valgrind, heaptrack) and waits for its socket.

UVTERM_BIN=${UVTERM_BIN:-target/release/uvterm}
export UVTERM_BIN

# start_daemon NAME [wrapper args…]: sets DAEMON_PID, SOCKET, LOGDIR.
start_daemon() {
    name=$1; shift
    LOGDIR=$(mktemp -d "/tmp/uvterm-leak-$name.XXXXXX")
    SOCKET="$LOGDIR/uvterm.sock"
    "$@" "$UVTERM_BIN" --headless --socket "$SOCKET" >"$LOGDIR/stdout" 2>"$LOGDIR/stderr" &
    DAEMON_PID=$!
    # The daemon prints its socket path once it serves (slow under valgrind).
    i=0
    while ! grep -q . "$LOGDIR/stdout" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 1200 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
            echo "uvterm did not start ($name):" >&2
            cat "$LOGDIR/stderr" >&2
            return 1
        fi
        sleep 0.1
    done
}

# stop_daemon: clean shutdown through IPC, then wait; returns the daemon's exit status.
stop_daemon() {
    "$UVTERM_BIN" msg --socket "$SOCKET" shutdown >/dev/null || true
    wait "$DAEMON_PID"
}

# stat KEY: one field of `uvterm msg stats`.
stat() {
    "$UVTERM_BIN" msg --socket "$SOCKET" stats |
        python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

# start_xvfb: a private X server for the GUI checks; sets XVFB_PID and XVFB_DISPLAY.
start_xvfb() {
    fifo=$(mktemp -u /tmp/uvterm-xvfb.XXXXXX)
    mkfifo "$fifo"
    Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
    XVFB_PID=$!
    XVFB_DISPLAY=":$(head -n1 <"$fifo")"
    rm -f "$fifo"
    export XVFB_DISPLAY
}

stop_xvfb() {
    kill "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
}

# start_session_bus: a private session D-Bus (dbus-daemon) with a notification server (dunst,
# on $XVFB_DISPLAY) for the GUI checks' desktop notifications; exports
# DBUS_SESSION_BUS_ADDRESS and sets BUS_PID, DUNST_PID. Without dbus-daemon or dunst, says so
# and returns 1 (the caller decides).
start_session_bus() {
    command -v dbus-daemon >/dev/null && command -v dunst >/dev/null || {
        echo "no dbus-daemon or dunst: notifications not exercised" >&2
        return 1
    }
    BUS_DIR=$(mktemp -d /tmp/uvterm-leak-bus.XXXXXX)
    dbus-daemon --session --nofork --nopidfile --print-address=1 \
        --address="unix:path=$BUS_DIR/bus" >"$BUS_DIR/address" 2>/dev/null &
    BUS_PID=$!
    i=0
    until grep -q . "$BUS_DIR/address" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
    done
    DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$BUS_DIR/address")
    export DBUS_SESSION_BUS_ADDRESS
    printf '[global]\n    notification_limit = 0\n' >"$BUS_DIR/dunstrc"
    DISPLAY=$XVFB_DISPLAY dunst -conf "$BUS_DIR/dunstrc" >/dev/null 2>&1 &
    DUNST_PID=$!
}

stop_session_bus() {
    for pid in ${DUNST_PID:-} ${BUS_PID:-}; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -z "${BUS_DIR:-}" ] || rm -rf "$BUS_DIR"
}

# wait_for_window: until the GUI at $SOCKET lists a window that has been shown (slow under
# valgrind).
wait_for_window() {
    i=0
    until "$UVTERM_BIN" msg --socket "$SOCKET" list 2>/dev/null | grep -q '"geometry":{'; do
        i=$((i + 1))
        if [ $i -gt 3000 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
            echo "uvterm (GUI) did not show a window" >&2
            return 1
        fi
        sleep 0.1
    done
}

# The memcheck options of every valgrind check (add --log-file=LOG).
VALGRIND="valgrind --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --error-exitcode=1 --num-callers=50 \
--suppressions=valgrind.supp"

# valgrind_verdict LOG STATUS WHAT: print the report's summary; on leaks, errors or a
# non-zero exit STATUS print the whole report and fail.
valgrind_verdict() {
    grep -E "definitely lost|indirectly lost|possibly lost|ERROR SUMMARY" "$1" || true
    if [ "$2" -ne 0 ] || ! grep -q "ERROR SUMMARY: 0 errors" "$1"; then
        echo "LEAK: valgrind ($3) found leaks or errors (exit status $2); the report:" >&2
        cat "$1" >&2
        return 1
    fi
}
