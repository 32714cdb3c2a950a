//! `diffusion`: train the playground's networks natively and export their weights.

#[cfg(not(target_family = "wasm"))]
fn main() -> std::process::ExitCode {
    diffusion_playground::cli::main()
}

#[cfg(target_family = "wasm")]
fn main() {}
