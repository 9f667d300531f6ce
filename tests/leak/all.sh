#!/bin/sh
# Every leak check, on the release build (see README "Leak checks").
set -e
cd "$(dirname "$0")/../.."
cargo build --release --locked
tests/leak/rss.sh
tests/leak/heaptrack.sh
tests/leak/valgrind.sh
tests/leak/valgrind-gui.sh
tests/leak/valgrind-gui-wayland.sh
