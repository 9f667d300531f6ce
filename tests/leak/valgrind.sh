#!/bin/sh
# The headless daemon under valgrind through a churn of >= 200 tabs (every request through
# `uvterm msg`): 0 bytes definitely or indirectly lost, 0 errors.
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
TABS=${VALGRIND_TABS:-200}
start_daemon valgrind valgrind --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --num-callers=50 \
    --suppressions=valgrind.supp --log-file="/tmp/uvterm-valgrind-headless.log"
churn=0
python3 tests/leak/churn.py --socket "$SOCKET" --tabs "$TABS" --windows 5 --lines 2000 \
    --timeout 900 || churn=1
status=0
stop_daemon || status=$?
log=/tmp/uvterm-valgrind-headless.log
grep -E "definitely lost|indirectly lost|possibly lost|ERROR SUMMARY" "$log" || true
if [ "$status" -ne 0 ] || ! grep -q "ERROR SUMMARY: 0 errors" "$log"; then
    echo "LEAK: valgrind (headless) found leaks or errors; the report:" >&2
    cat "$log" >&2
    exit 1
fi
[ "$churn" -eq 0 ] || exit 1
echo "valgrind (headless, $TABS tabs): 0 bytes definitely/indirectly lost, 0 errors"
