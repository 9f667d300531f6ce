#!/bin/sh
# 10,000 tabs opened and closed on the release build, headless: RSS afterwards within 2 MiB
# of the RSS after the first 100; descriptors, slots and libuv handles exactly at baseline.
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
TABS=${RSS_TABS:-10000}
start_daemon rss
base_fds=$(stat fds); base_slots=$(stat slots); base_handles=$(stat uv_handles)
python3 tests/leak/churn.py --socket "$SOCKET" --tabs 100 --lines 200 --direct >/dev/null ||
    { stop_daemon || true; exit 1; }
rss100=$(stat rss_bytes)
out=$(mktemp)
if ! python3 tests/leak/churn.py --socket "$SOCKET" --tabs $((TABS - 100)) --lines 200 --direct \
    --batch 50 >"$out"; then
    cat "$out"; rm -f "$out"; stop_daemon || true
    exit 1
fi
tail -n 1 "$out"; rm -f "$out"
sleep 0.3
rss=$(stat rss_bytes); fds=$(stat fds); slots=$(stat slots); handles=$(stat uv_handles)
stop_daemon
echo "rss: after 100 tabs $rss100 B, after $TABS tabs $rss B ($(( (rss - rss100) / 1024 )) KiB)"
echo "rss: fds $base_fds -> $fds, slots $base_slots -> $slots, uv_handles $base_handles -> $handles"
fail=0
[ "$fds" = "$base_fds" ] || { echo "LEAK: fds grew from $base_fds to $fds" >&2; fail=1; }
[ "$slots" = "$base_slots" ] || { echo "LEAK: slots grew from $base_slots to $slots" >&2; fail=1; }
[ "$handles" = "$base_handles" ] || { echo "LEAK: uv_handles grew from $base_handles to $handles" >&2; fail=1; }
diff=$((rss - rss100)); [ $diff -lt 0 ] && diff=$((-diff))
[ $diff -le 2097152 ] || { echo "LEAK: RSS grew by more than 2 MiB ($rss100 -> $rss B)" >&2; fail=1; }
exit $fail
