# Shared by scripts/run and scripts/test: install what is missing, and only that.
# Sourced, not executed. Debian 12 / Ubuntu 22.04+ package names.

# Build: libuv-sys2 runs bindgen (libclang and its headers); fonts need fontconfig and FreeType.
UVTERM_BUILD_PACKAGES="gcc libc6-dev pkg-config libfontconfig-dev libfreetype-dev libclang1-14 libclang-common-14-dev"
# Run (X11 and GL are loaded at run time by winit/glutin): a missing one is a run-time error.
UVTERM_RUN_PACKAGES="libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 libegl1 libgl1 libgl1-mesa-dri fonts-dejavu-core fonts-noto-color-emoji fonts-droid-fallback xdg-utils"
# Tests: a C++ compiler (cargo fuzz builds libFuzzer), a real X server (Xvfb + Mesa llvmpipe),
# input/clipboard tools, leak checkers, the programs of the golden recordings.
UVTERM_TEST_PACKAGES="g++ xvfb xauth x11-apps x11-utils imagemagick mesa-utils xdotool xclip valgrind heaptrack zstd tmux vim less man-db htop procps iproute2 util-linux python3"

# Shaping (issue 14): hb-shape is the reference the shaping tests compare with; Fira Code has
# programming ligatures; Lohit Devanagari is the Indic script the shaping tests compare.
UVTERM_TEST_PACKAGES="$UVTERM_TEST_PACKAGES libharfbuzz-bin fonts-firacode fonts-lohit-deva"

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
