fn main() -> std::process::ExitCode {
    uvterm::cli::main()
}
