# uvterm shell integration for zsh. uvterm starts zsh with ZDOTDIR pointing at this
# directory: this file puts the user's ZDOTDIR back (so zsh reads their .zprofile, .zshrc
# and .zlogin as usual), reads their .zshenv, and for interactive shells adds hooks that
# report the working directory (OSC 7) and mark prompts and commands (OSC 133 A/B/C/D).
# It never edits the user's files.

if [[ -n "${UVTERM_ZSH_ORIG_ZDOTDIR+x}" ]]; then
    ZDOTDIR=$UVTERM_ZSH_ORIG_ZDOTDIR
    unset UVTERM_ZSH_ORIG_ZDOTDIR
else
    unset ZDOTDIR
fi

[[ -r "${ZDOTDIR:-$HOME}/.zshenv" ]] && builtin source "${ZDOTDIR:-$HOME}/.zshenv"

if [[ -o interactive && -z "${__uvterm_loaded-}" ]]; then
    __uvterm_loaded=1

    __uvterm_precmd() {
        local exit_status=$? out='' c
        if [[ -n "${__uvterm_ran-}" ]]; then
            builtin printf '\e]133;D;%s\a' "$exit_status"
        fi
        __uvterm_ran=
        local LC_ALL=C
        for c in ${(s::)PWD}; do
            if [[ $c == [a-zA-Z0-9/._~-] ]]; then
                out+=$c
            else
                builtin printf -v c '%%%02X' "'$c"
                out+=$c
            fi
        done
        builtin printf '\e]7;file://%s%s\a\e]133;A\a' "${HOST-}" "$out"
        if [[ "$PS1" != *'133;B'* ]]; then
            PS1="$PS1"$'%{\e]133;B\a%}'
        fi
    }

    __uvterm_preexec() {
        __uvterm_ran=1
        builtin printf '\e]133;C\a'
    }

    builtin autoload -Uz add-zsh-hook
    add-zsh-hook precmd __uvterm_precmd
    add-zsh-hook preexec __uvterm_preexec
fi
