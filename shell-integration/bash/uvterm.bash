# uvterm shell integration for bash (4.4 or later). uvterm starts bash as
# `bash --posix` with ENV pointing here, so that this file runs first; it turns POSIX mode
# off again, reads the startup files bash would have read itself, then reports the working
# directory (OSC 7) and marks prompts and commands (OSC 133 A/B/C/D) for the terminal.
# It never edits the user's files. Sourcing it by hand in a running bash works too.

if [ -n "${UVTERM_BASH_INJECT-}" ]; then
    builtin unset UVTERM_BASH_INJECT ENV
    if [ -n "${UVTERM_BASH_ORIG_ENV+x}" ]; then
        builtin export ENV="$UVTERM_BASH_ORIG_ENV"
        builtin unset UVTERM_BASH_ORIG_ENV
    fi
    builtin set +o posix
    # Entering POSIX mode set POSIXLY_CORRECT; it was not the user's.
    if [ -z "${UVTERM_BASH_POSIXLY_CORRECT-}" ]; then
        builtin unset POSIXLY_CORRECT
    fi
    builtin unset UVTERM_BASH_POSIXLY_CORRECT
    if builtin shopt -q login_shell; then
        [ -r /etc/profile ] && builtin source /etc/profile
        for __uvterm_rc in "$HOME/.bash_profile" "$HOME/.bash_login" "$HOME/.profile"; do
            if [ -r "$__uvterm_rc" ]; then
                builtin source "$__uvterm_rc"
                break
            fi
        done
        builtin unset __uvterm_rc
    else
        [ -r /etc/bash.bashrc ] && builtin source /etc/bash.bashrc
        [ -r "$HOME/.bashrc" ] && builtin source "$HOME/.bashrc"
    fi
fi

if [[ $- == *i* && -z "${__uvterm_loaded-}" ]]; then
    __uvterm_loaded=1

    # $1 as a file URL path: bytes outside the unreserved set and "/" percent-encoded.
    __uvterm_urlencode() {
        builtin local LC_ALL=C s="$1" out='' c i
        for ((i = 0; i < ${#s}; i++)); do
            c=${s:i:1}
            case $c in
                [a-zA-Z0-9/._~-]) out+=$c ;;
                *) builtin printf -v c '%%%02X' "'$c"; out+=${c: -3} ;;
            esac
        done
        __uvterm_url=$out
    }

    __uvterm_prompt() {
        builtin local status=$? n='\#'
        n=${n@P}
        # A command ran since the last prompt (the command number moved): it finished.
        if [[ -n "${__uvterm_cmd-}" && "$n" != "$__uvterm_cmd" ]]; then
            builtin printf '\e]133;D;%s\a' "$status"
        fi
        __uvterm_cmd=$n
        __uvterm_urlencode "$PWD"
        builtin printf '\e]7;file://%s%s\a\e]133;A\a' "${HOSTNAME-}" "$__uvterm_url"
        # Prompt frameworks rebuild PS1: mark where the command line starts each time.
        if [[ "$PS1" != *'133;B'* ]]; then
            PS1="$PS1"'\[\e]133;B\a\]'
        fi
        return $status
    }

    if [[ "$(builtin declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
        PROMPT_COMMAND=(__uvterm_prompt "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND="__uvterm_prompt${PROMPT_COMMAND:+; $PROMPT_COMMAND}"
    fi
    # PS0 is printed after a command line is read, before it runs.
    PS0="${PS0-}"'\e]133;C\a'
fi
