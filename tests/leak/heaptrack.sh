#!/bin/sh
# The same churn with N and 10·N tabs under heaptrack: the leaked bytes it reports must not
# grow with N (per-tab leak = 0), and the peak heap must fall back at the end.
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
N=${HEAPTRACK_TABS:-50}
# trace_file PREFIX: the trace heaptrack wrote for PREFIX (.zst or .gz), if any.
trace_file() {
    for f in "$1".*zst "$1".*gz; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 0
}
# run TABS: churn under heaptrack; writes "LEAKED PEAK" (bytes) to /tmp/uvterm-heaptrack-TABS.res
run() {
    tabs=$1
    out="/tmp/uvterm-heaptrack-$tabs"
    rm -f "$out".*
    start_daemon "heaptrack$tabs" heaptrack -o "$out"
    churn_ok=0
    python3 tests/leak/churn.py --socket "$SOCKET" --tabs "$tabs" --lines 500 --direct \
        >/dev/null || churn_ok=1
    stop_daemon
    # heaptrack writes its file as the process exits: compressed with zstd when the `zstd`
    # program is there (deps.sh installs it), with gzip otherwise; either is accepted.
    i=0
    while [ -z "$(trace_file "$out")" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    trace=$(trace_file "$out")
    if [ -z "$trace" ]; then
        echo "heaptrack wrote no trace ($out.*.zst or $out.*.gz); its output:" >&2
        cat "$LOGDIR/stderr" >&2
        return 1
    fi
    heaptrack_print "$trace" >"$out.txt"
    leaked=$(grep "total memory leaked" "$out.txt" | sed 's/.*: //')
    peak=$(grep "peak heap memory consumption" "$out.txt" | sed 's/.*: //')
    echo "$tabs tabs: leaked $leaked, peak heap $peak"
    python3 - "$leaked" "$peak" >"$out.res" <<'PY'
import re, sys
def size(s):
    m = re.match(r"([\d.]+)([KMG]?)", s.strip())
    return int(float(m.group(1)) * {"": 1, "K": 1024, "M": 1 << 20, "G": 1 << 30}[m.group(2)])
print(size(sys.argv[1]), size(sys.argv[2]))
PY
    return $churn_ok
}
run "$N"
run $((N * 10))
read small_leak small_peak < /tmp/uvterm-heaptrack-$N.res
read big_leak big_peak < /tmp/uvterm-heaptrack-$((N * 10)).res
per_tab=$(python3 -c "print(($big_leak - $small_leak) / ($((N * 10)) - $N))")
echo "heaptrack: leaked $small_leak B with $N tabs, $big_leak B with $((N * 10)) tabs: $per_tab B per tab"
echo "heaptrack: peak heap $small_peak B and $big_peak B; left at exit is what 'leaked' counts"
if [ "$big_leak" -gt "$small_leak" ]; then
    echo "LEAK: heaptrack's leaked bytes grew with the number of tabs ($small_leak -> $big_leak B)" >&2
    exit 1
fi
if [ "$big_leak" -gt $((big_peak / 100)) ]; then
    echo "LEAK: the heap did not fall back (still $big_leak of $big_peak B at exit)" >&2
    exit 1
fi
