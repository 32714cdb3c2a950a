//! The native command line: `train` (denoising score matching or classifier cross-entropy, with
//! periodic atomic checkpoints and exact `--resume`), `export` (a checkpoint's averaged weights as
//! burn's record format or safetensors), `eval` (Ilin & Friesen's MNIST experiments and the
//! diversity / fidelity trade-off of guidance, written to a results file) and `bench` (training
//! throughput).

mod bench;
mod eval;
mod export;
mod train;
mod train_log;

use burn::tensor::Device;
use clap::{Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "diffusion",
    about = "Train, export and evaluate the conditional diffusion playground's networks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a network: DSM on the VP SDE with label dropout for the denoisers, cross-entropy for
    /// the classifiers.
    Train(train::Args),
    /// Write a checkpoint's averaged (EMA) weights: burn's record format, or safetensors when the
    /// output name ends in `.safetensors`.
    Export(export::Args),
    /// Ilin & Friesen's MNIST experiments ("Conditional Generative Diffusion with Langevin
    /// Dynamics") and the diversity / fidelity trade-off of guidance, measured with a clean
    /// classifier; prints tables and writes them to a JSON results file.
    Eval(Box<eval::Args>),
    /// Training images per second for the MNIST U-Net on a device.
    Bench(bench::Args),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Model {
    /// The 2D score MLP, on a toy data set.
    Mlp2d,
    /// The function score MLP, on GP draws over a 32-point grid.
    Mlp1d,
    /// The MNIST U-Net.
    Unet,
    /// The clean digit classifier that judges samples.
    Classifier,
    /// The noise-conditioned digit classifier for classifier guidance.
    NoisyClassifier,
    /// The intermediate energy f_phi of energy guidance, by contrastive energy prediction, on a
    /// 2D lab data set.
    Energy,
    /// The intermediate force network of force-guided diffusion, on a 2D lab data set.
    Force,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DeviceChoice {
    Cpu,
    Vulkan,
    Cuda,
}

pub fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Train(args) => train::run(args),
        Command::Export(args) => export::run(args),
        Command::Eval(args) => eval::run(*args),
        Command::Bench(args) => bench::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn device(choice: DeviceChoice) -> Result<Device, String> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::flex()),
        #[cfg(feature = "vulkan")]
        DeviceChoice::Vulkan => Ok(Device::vulkan(burn::tensor::DeviceKind::DefaultDevice)),
        #[cfg(feature = "cuda")]
        DeviceChoice::Cuda => Ok(Device::cuda(0)),
        #[allow(unreachable_patterns)]
        other => Err(format!(
            "this build has no {other:?} backend: rebuild with `cargo build --release --features {}`",
            format!("{other:?}").to_lowercase()
        )),
    }
}

/// Reads a weight file (burn's record format) into `template`'s architecture.
fn load_weight_file<M: burn::module::Module>(
    template: M,
    path: &std::path::Path,
) -> Result<M, String> {
    read_weight_file(path, |bytes| crate::network::load_weights(template, bytes))
}

/// What `load` makes of the bytes of the file at `path`; every error names the file.
fn read_weight_file<T>(
    path: &std::path::Path,
    load: impl FnOnce(&[u8]) -> Result<T, String>,
) -> Result<T, String> {
    let bytes = crate::native::files::read(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    load(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}
