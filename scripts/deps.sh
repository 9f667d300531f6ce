# Shared by scripts/run and scripts/test: install what is missing, and only that.
# Sourced, not executed. Debian 12 / Ubuntu 22.04+ package names.

# Build: libuv-sys2 runs bindgen (libclang and its headers); fonts need fontconfig and FreeType.
UVTERM_BUILD_PACKAGES="gcc libc6-dev pkg-config libfontconfig-dev libfreetype-dev libclang1-14 libclang-common-14-dev"
# Run (X11 and GL are loaded at run time by winit/glutin): a missing one is a run-time error.
UVTERM_RUN_PACKAGES="libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 libegl1 libgl1 libgl1-mesa-dri fonts-dejavu-core fonts-noto-color-emoji fonts-droid-fallback xdg-utils"
# Tests: a C++ compiler (cargo fuzz builds libFuzzer), a real X server (Xvfb + Mesa llvmpipe),
# input/clipboard tools, leak checkers, the programs of the golden recordings.
UVTERM_TEST_PACKAGES="g++ xvfb xauth x11-apps x11-utils imagemagick mesa-utils xdotool xclip valgrind heaptrack zstd tmux vim less man-db htop procps iproute2 util-linux python3"
# Wayland (issue 15): winit loads libwayland-client/-cursor/-egl at run time; the Wayland suite
# (tests/wayland.rs) runs a headless sway as an unprivileged user and drives it with grim, wtype
# and wl-clipboard (useradd from passwd, setpriv from util-linux).
UVTERM_RUN_PACKAGES="$UVTERM_RUN_PACKAGES libwayland-client0 libwayland-cursor0 libwayland-egl1 libxkbcommon0"
UVTERM_TEST_PACKAGES="$UVTERM_TEST_PACKAGES sway grim wtype wl-clipboard passwd"

# Shaping (issue 14): hb-shape is the reference the shaping tests compare with; Fira Code has
# programming ligatures; Lohit Devanagari is the Indic script the shaping tests compare.
UVTERM_TEST_PACKAGES="$UVTERM_TEST_PACKAGES libharfbuzz-bin fonts-firacode fonts-lohit-deva"
# The default family's real italic and bold italic (DejaVu Sans Mono Oblique), so italic text is
# not sheared by hand; tests/shaping.rs checks that a family with all four faces synthesizes none.
UVTERM_RUN_PACKAGES="$UVTERM_RUN_PACKAGES fonts-dejavu-extra"

# Desktop notifications and fullscreen (issue 16, tests/gui_notify.rs): a private session bus
# (dbus-daemon, also for the settings-portal test with examples/fake_portal.rs; dbus-send and dbus-monitor from dbus-bin), a real notification server with
# actions (dunst, dunstctl), and a small EWMH window manager for fullscreen (evilwm).
UVTERM_TEST_PACKAGES="$UVTERM_TEST_PACKAGES dbus-daemon dbus-bin dunst evilwm"
# Shell integration (issue 16): tested in stock zsh and fish (bash is already there).
UVTERM_TEST_PACKAGES="$UVTERM_TEST_PACKAGES zsh fish"

# Benchmarks: the peers measured beside uvterm (scripts/bench).
UVTERM_BENCH_PACKAGES="alacritty kitty xterm"

uvterm_missing_packages() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $p"
    done
    echo "$missing"
}

uvterm_install_packages() {
    missing=$(uvterm_missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "uvterm: installing system packages:$missing" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

uvterm_ensure_rust() {
    if command -v cargo >/dev/null 2>&1; then return 0; fi
    [ -x "$HOME/.cargo/bin/cargo" ] && { PATH="$HOME/.cargo/bin:$PATH"; export PATH; return 0; }
    echo "uvterm: no Rust toolchain; installing one with rustup (https://rustup.rs)" >&2
    command -v curl >/dev/null 2>&1 || uvterm_install_packages curl ca-certificates
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
        --component rustfmt,clippy
    PATH="$HOME/.cargo/bin:$PATH"; export PATH
}

# The launcher entry and icon, so uvterm shows in the desktop's application menu (X11 and
# Wayland: StartupWMClass and the app_id are both `uvterm`). Per user (~/.local/share), or
# system-wide (/usr/local/share) as root; only files that changed are written.
uvterm_install_desktop_entry() {
    src=$1/assets
    bin=$2
    if [ "$(id -u)" -eq 0 ]; then share=/usr/local/share; else share=${XDG_DATA_HOME:-$HOME/.local/share}; fi
    mkdir -p "$share/applications" "$share/icons/hicolor/scalable/apps"
    tmp=$(mktemp)
    sed "s|@BIN@|$bin|g" "$src/uvterm.desktop" >"$tmp"
    if ! cmp -s "$tmp" "$share/applications/uvterm.desktop"; then
        cp "$tmp" "$share/applications/uvterm.desktop"
        chmod 644 "$share/applications/uvterm.desktop"
        command -v update-desktop-database >/dev/null 2>&1 \
            && update-desktop-database -q "$share/applications" 2>/dev/null || true
    fi
    rm -f "$tmp"
    if ! cmp -s "$src/uvterm.svg" "$share/icons/hicolor/scalable/apps/uvterm.svg"; then
        cp "$src/uvterm.svg" "$share/icons/hicolor/scalable/apps/uvterm.svg"
        chmod 644 "$share/icons/hicolor/scalable/apps/uvterm.svg"
    fi
}
