# uvterm shell integration for fish (3.1 or later). uvterm puts this file's data directory
# first in XDG_DATA_DIRS, so fish reads it as vendor configuration; it puts XDG_DATA_DIRS
# back and, for interactive shells, reports the working directory (OSC 7) and marks prompts
# and commands (OSC 133 A/B/C/D). It never edits the user's files.

if set -q UVTERM_FISH_XDG_DATA_DIR
    set -l keep
    for dir in $XDG_DATA_DIRS
        test "$dir" = "$UVTERM_FISH_XDG_DATA_DIR"; or set -a keep $dir
    end
    if set -q UVTERM_FISH_ORIG_XDG_DATA_DIRS
        set -gx XDG_DATA_DIRS $keep
    else
        set -e XDG_DATA_DIRS
    end
    set -e UVTERM_FISH_XDG_DATA_DIR
    set -e UVTERM_FISH_ORIG_XDG_DATA_DIRS
end

if status is-interactive; and not set -q __uvterm_loaded
    set -g __uvterm_loaded 1

    function __uvterm_prompt_start --on-event fish_prompt
        if set -q __uvterm_ran
            printf '\e]133;D;%s\a' $__uvterm_status
            set -e __uvterm_ran
        end
        printf '\e]7;file://%s%s\a\e]133;A\a' $hostname (string escape --style=url -- $PWD | string replace -a '%2F' /)
        # Mark where the command line starts: after the user's prompt, wrapped once.
        if not functions -q __uvterm_user_prompt; and functions -q fish_prompt
            functions -c fish_prompt __uvterm_user_prompt
            function fish_prompt
                __uvterm_user_prompt
                printf '\e]133;B\a'
            end
        end
    end

    function __uvterm_preexec --on-event fish_preexec
        set -g __uvterm_ran 1
        printf '\e]133;C\a'
    end

    function __uvterm_postexec --on-event fish_postexec
        set -g __uvterm_status $status
    end
end
