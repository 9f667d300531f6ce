#!/bin/sh
# The headless daemon under valgrind through a churn of >= 200 tabs (every request through
# `uvterm msg`): 0 bytes definitely or indirectly lost, 0 errors.
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
TABS=${VALGRIND_TABS:-200}
log=/tmp/uvterm-valgrind-headless.log
start_daemon valgrind $VALGRIND --log-file="$log"
churn=0
python3 tests/leak/churn.py --socket "$SOCKET" --tabs "$TABS" --windows 5 --lines 2000 \
    --timeout 900 || churn=1
status=0
stop_daemon || status=$?
valgrind_verdict "$log" "$status" headless || exit 1
[ "$churn" -eq 0 ] || exit 1
echo "valgrind (headless, $TABS tabs): 0 bytes definitely/indirectly lost, 0 errors"
