#!/bin/sh
# Re-record the golden inputs (needs bash, vim, less, man, htop, tmux). Each recording is made
# once and committed; its .screen file is the expected `uvterm replay` output, checked by hand
# against the real program and against tmux (see README.md here).
set -e
cd "$(dirname "$0")"
R="python3 record.py"
mkdir -p /tmp/golden-home
printf 'line %s of a small file\n' $(seq 1 60) > /tmp/golden-home/file.txt

$R ls_color 80 24 -- 'ls --color=always -la /usr/share/doc/bash /usr/share/doc/vim; echo done' </dev/null

$R bash_editing 80 24 -- 'exec bash --norc --noprofile -i' <<'KEYS'
echo hello world
\x01
echo X
\x05 again
\r
\e[A
\x7f\x7f\x7f\x7f\x7f\x7fsecond
\r
printf '\\e[1;31mred\\e[0m \\e[42mgreen bg\\e[0m \xe4\xb8\xad\xe6\x96\x87 e\xcc\x81\\n'
\r
ls /usr/share/doc/bas\t
\r
for i in 1 2 3; do echo row $i; done
\r
@wait 0.5
KEYS

$R vim_edit 80 24 -- "vim -u NONE -i NONE -N --cmd 'set t_u7= t_RV=' /tmp/golden-home/file.txt" <<'KEYS'
@wait 0.5
:set number\r
10G
ofirst inserted line\ranother one\e
:vsplit\r
\x17l
30G
dd
:syntax on\r
@wait 0.5
KEYS

$R vim_quit 80 24 -- "printf 'before vim\n'; vim -u NONE -i NONE -N --cmd 'set t_u7= t_RV=' /tmp/golden-home/file.txt; printf 'after vim\n'" <<'KEYS'
@wait 0.5
Gdd
:q!\r
@wait 0.5
KEYS

$R less_search 80 24 -- 'less /usr/share/common-licenses/GPL-3' <<'KEYS'
@wait 0.3
 
/warranty\r
n
@wait 0.3
KEYS

$R man_ls 80 24 -- 'MANWIDTH=80 man ls' <<'KEYS'
@wait 1
/sort\r
@wait 0.3
KEYS

$R htop 100 30 -- 'htop' <<'KEYS'
@wait 2
t
@wait 1.5
KEYS

$R tmux_split 80 24 -- 'unset TMUX; tmux -L golden -f /dev/null new-session' <<'KEYS'
@wait 0.8
echo left pane\r
\x02%
@wait 0.5
echo right pane; seq 1 40\r
@wait 0.5
\x02"
@wait 0.5
printf '\\e[7m inverse \\e[0m\\n'\r
@wait 0.8
KEYS
tmux -L golden kill-server 2>/dev/null || true

python3 -c 'import sys; sys.stdout.buffer.write("abc中文字符串测试xyz 12345678901234567890 e\u0301a\u0308o\u0303 \U0001F600\U0001F44D end\n\x1b(0lqqqk\nx   x\nmqqqj\x1b(B\n".encode())' > /tmp/golden-home/unicode.txt
$R unicode_wrap 20 8 -- 'cat /tmp/golden-home/unicode.txt' </dev/null
