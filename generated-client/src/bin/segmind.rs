//! `segmind`: the API from the command line (cargo feature `cli`).
//! `segmind --help` lists the commands; the README has a tour.

fn main() -> std::process::ExitCode {
    segmind::cli::main()
}
