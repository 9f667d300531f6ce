#!/bin/sh
# Print tmux's view of a recording: tests/golden/tmux_reference.sh FILE COLS LINES
# tmux is an independent terminal emulator; its capture-pane output is in the same format as
# `uvterm replay` (trailing spaces trimmed, wide characters once).
set -e
file=$(realpath "$1"); cols=$2; lines=$3
sock="uvterm-ref-$$"
tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$lines" \
    "stty raw -echo; cat '$file'; exec sleep 30"
tmux -L "$sock" set-option -g status off >/dev/null
tmux -L "$sock" resize-window -x "$cols" -y "$lines" 2>/dev/null || true
sleep 1
tmux -L "$sock" capture-pane -p -e -J -N -t 0 >/dev/null 2>&1 || true
tmux -L "$sock" capture-pane -p -t 0
tmux -L "$sock" kill-server
