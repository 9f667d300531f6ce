#!/bin/sh
# The headless daemon under valgrind through a churn of >= 200 tabs and split panes (10 per
# batch of 20 tabs: 100 panes, closed by exit, by close-tab of the pane, with their tab or
# window), every request through `uvterm msg`: 0 bytes definitely or indirectly lost, 0 errors.
set -e
cd "$(dirname "$0")/../.."
. tests/leak/lib.sh
TABS=${VALGRIND_TABS:-200}
SPLITS=${VALGRIND_SPLITS:-10}
log=/tmp/uvterm-valgrind-headless.log
start_daemon valgrind $VALGRIND --log-file="$log"
churn=0
python3 tests/leak/churn.py --socket "$SOCKET" --tabs "$TABS" --windows 5 --lines 2000 \
    --splits "$SPLITS" --timeout 900 || churn=1
status=0
stop_daemon || status=$?
valgrind_verdict "$log" "$status" headless || exit 1
[ "$churn" -eq 0 ] || exit 1
echo "valgrind (headless, $TABS tabs, $SPLITS split panes per 20 tabs): 0 bytes definitely/indirectly lost, 0 errors"
