//! Builds `c_shim/` (the PTY spawn helper) with the `cc` crate.

fn main() {
    println!("cargo:rerun-if-changed=c_shim/pty_spawn.c");
    println!("cargo:rerun-if-changed=c_shim/pty_spawn.h");
    cc::Build::new()
        .file("c_shim/pty_spawn.c")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .flag_if_supported("-Werror")
        .compile("uvterm_shim");
}
