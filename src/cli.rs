//! The native command line. `train` runs denoising score matching with periodic atomic
//! checkpoints and exact `--resume`; `export` writes a checkpoint's averaged weights in burn's
//! record format for the site.

use crate::native::files;
use crate::native::mnist::Digits;
use crate::network::EpsNetwork;
use crate::network::{ScoreMlp, ScoreMlpConfig, UNetConfig};
use crate::noise::{Noise, Stream};
use crate::schedule::VpLinear;
use crate::toy_data;
use crate::training::{Checkpoint, DsmSettings, DsmTrainer};
use burn::module::Module;
use burn::tensor::Device;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "diffusion",
    about = "Train and export the conditional diffusion playground's networks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DeviceChoice {
    Cpu,
    Vulkan,
    Cuda,
}

#[derive(Subcommand)]
enum Command {
    /// Denoising score matching on the VP SDE with label dropout for classifier-free guidance.
    Train {
        #[arg(long, value_enum)]
        model: Model,
        /// Toy data set for mlp2d (blobs, ring, moons, swiss-roll, checkerboard); unet trains on MNIST.
        #[arg(long, default_value = "blobs")]
        data: String,
        /// Where the MNIST digits are (scripts/fetch-mnist.sh).
        #[arg(long, default_value = "data/mnist")]
        mnist: PathBuf,
        /// Total optimiser steps (a resumed run counts the steps it already has).
        #[arg(long, default_value_t = 1000)]
        steps: u64,
        #[arg(long, default_value_t = 64)]
        batch: usize,
        #[arg(long, default_value_t = 3e-4)]
        lr: f64,
        /// Probability of the null label (seed 003 masks 20 %).
        #[arg(long, default_value_t = 0.2)]
        p_uncond: f64,
        #[arg(long, default_value_t = 0.999)]
        ema: f64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The checkpoint file, rewritten atomically every `--every` steps and at the end.
        #[arg(long)]
        checkpoint: PathBuf,
        #[arg(long, default_value_t = 200)]
        every: u64,
        /// Continue the run in `--checkpoint` exactly where it stopped.
        #[arg(long)]
        resume: bool,
        #[arg(long, value_enum, default_value = "cpu")]
        device: DeviceChoice,
    },
    /// Write a checkpoint's averaged (EMA) weights in burn's record format.
    Export {
        #[arg(long)]
        checkpoint: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

/// What a checkpoint needs to rebuild its run, stored in its `run` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Run {
    model: Model,
    data: String,
    batch: usize,
}

impl Run {
    /// The run a checkpoint of this tool describes.
    fn of(checkpoint: &Checkpoint) -> Result<Self, String> {
        serde_json::from_value(checkpoint.state.run.clone())
            .map_err(|e| format!("not a training checkpoint of this tool: {e}"))
    }

    /// The score MLP of an mlp2d or mlp1d run, sized for its data.
    fn score_mlp(&self, device: &Device) -> Result<ScoreMlp, String> {
        let config = match self.model {
            Model::Mlp1d => ScoreMlpConfig::new(toy_data::function_prior().grid.len()),
            _ => {
                let classes = toy_data::num_classes(&self.data).ok_or_else(|| {
                    format!(
                        "unknown data set '{}' (one of {})",
                        self.data,
                        toy_data::NAMES.join(", ")
                    )
                })?;
                ScoreMlpConfig::new(2).with_num_classes(classes)
            }
        };
        Ok(config.init(device))
    }
}

pub fn main() -> ExitCode {
    match run(Cli::parse()) {
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

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Train {
            model,
            data,
            mnist,
            steps,
            batch,
            lr,
            p_uncond,
            ema,
            seed,
            checkpoint,
            every,
            resume,
            device: choice,
        } => {
            if batch == 0 || every == 0 {
                return Err("--batch and --every must be positive".into());
            }
            if !(0.0..=1.0).contains(&p_uncond)
                || !(0.0..1.0).contains(&ema)
                || !lr.is_finite()
                || lr <= 0.0
            {
                return Err(
                    "--p-uncond must be in [0, 1], --ema in [0, 1) and --lr positive".into(),
                );
            }
            let device = device(choice)?.autodiff();
            // The initial weights, like everything else, follow from --seed.
            device.seed(seed);
            let settings = DsmSettings {
                learning_rate: lr,
                p_uncond,
                ema_decay: ema,
                seed,
            };
            let data = match model {
                Model::Unet => "mnist".into(),
                Model::Mlp1d => "gp".into(),
                Model::Mlp2d => data,
            };
            let run = Run { model, data, batch };
            let loaded = if resume {
                Some(Checkpoint::load(&checkpoint).map_err(|e| e.to_string())?)
            } else {
                None
            };
            if let Some(c) = &loaded {
                let saved = Run::of(c)?;
                if saved != run {
                    return Err(format!("the checkpoint is of {saved:?}, not {run:?}"));
                }
            }
            let job = Job {
                run,
                settings,
                steps,
                every,
                checkpoint: &checkpoint,
                device: &device,
                mnist: &mnist,
            };
            match model {
                Model::Unet => job.train(UNetConfig::new().init(&device), loaded.as_ref()),
                Model::Mlp2d | Model::Mlp1d => {
                    job.train(job.run.score_mlp(&device)?, loaded.as_ref())
                }
            }
        }
        Command::Export { checkpoint, out } => {
            let c = Checkpoint::load(&checkpoint).map_err(|e| e.to_string())?;
            let run = Run::of(&c)?;
            let device = Device::flex();
            let bytes = match run.model {
                Model::Unet => export(UNetConfig::new().init(&device), &c)?,
                Model::Mlp2d | Model::Mlp1d => export(run.score_mlp(&device)?, &c)?,
            };
            files::write_atomic(&out, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!(
                "wrote {} ({} bytes, EMA weights after {} steps)",
                out.display(),
                bytes.len(),
                c.state.step
            );
            Ok(())
        }
    }
}

/// The EMA weights of `checkpoint` loaded into `template`, as burnpack bytes.
fn export<M: Module>(template: M, checkpoint: &Checkpoint) -> Result<Vec<u8>, String> {
    let record = burn::store::ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(
        checkpoint.ema.clone(),
    ))
    .map_err(|e| format!("bad weights in the checkpoint: {e:?}"))?;
    let model = template
        .try_load_record(record)
        .map_err(|e| format!("the weights do not fit the architecture: {e:?}"))?;
    model
        .into_record()
        .into_bytes()
        .map(|b| b.to_vec())
        .map_err(|e| format!("cannot encode the weights: {e:?}"))
}

struct Job<'a> {
    run: Run,
    settings: DsmSettings,
    steps: u64,
    every: u64,
    checkpoint: &'a Path,
    device: &'a Device,
    mnist: &'a Path,
}

impl Job<'_> {
    fn train<M: EpsNetwork>(&self, model: M, resume: Option<&Checkpoint>) -> Result<(), String> {
        let mut trainer = DsmTrainer::new(model, self.settings.clone(), self.device);
        if let Some(c) = resume {
            trainer = trainer.resume(c)?;
        }
        let digits = match self.run.model {
            Model::Unet => Some(Digits::load(self.mnist)?.split(10).0),
            Model::Mlp2d | Model::Mlp1d => None,
        };
        let schedule = VpLinear::default();
        let bar = ProgressBar::new(self.steps).with_position(trainer.steps());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} steps, {per_sec}, loss {msg}")
                .expect("template"),
        );
        let save = |trainer: &DsmTrainer<M>| -> Result<(), String> {
            let run = serde_json::to_value(&self.run).expect("run serialises");
            trainer
                .checkpoint(run)?
                .save_atomic(self.checkpoint)
                .map_err(|e| e.to_string())
        };
        while trainer.steps() < self.steps {
            // Batches depend only on the seed and the step, so a resumed run sees the same data.
            let mut noise = Noise::new(
                self.settings
                    .seed
                    .wrapping_mul(1_000_003)
                    .wrapping_add(trainer.steps()),
                Stream::Data,
            );
            let (x0, labels) = match (&digits, self.run.model) {
                (Some(d), _) => mnist_batch(d, &mut noise, self.run.batch),
                (None, Model::Mlp1d) => toy_data::sample_functions(self.run.batch, &mut noise),
                (None, _) => toy_data::sample(&self.run.data, self.run.batch, &mut noise)?,
            };
            let loss = trainer.step(&schedule, &x0, &labels);
            if !loss.is_finite() {
                return Err(format!(
                    "the loss became {loss} at step {}; the last checkpoint is intact",
                    trainer.steps()
                ));
            }
            bar.set_position(trainer.steps());
            bar.set_message(format!("{loss:.4}"));
            if trainer.steps().is_multiple_of(self.every) || trainer.steps() == self.steps {
                save(&trainer)?;
                // Also when stdout is a log file, where the bar itself stays hidden.
                bar.suspend(|| {
                    println!("step {} loss {loss:.5} checkpoint written", trainer.steps())
                });
            }
        }
        bar.finish();
        Ok(())
    }
}

/// MNIST digits as rows in [-1, 1], the scale the diffusion runs at.
fn mnist_batch(digits: &Digits, noise: &mut Noise, size: usize) -> (Vec<Vec<f64>>, Vec<usize>) {
    (0..size)
        .map(|_| {
            let i = ((noise.uniform() * digits.len() as f64) as usize).min(digits.len() - 1);
            (
                digits.images[i]
                    .iter()
                    .map(|&p| 2.0 * f64::from(p) - 1.0)
                    .collect(),
                digits.labels[i],
            )
        })
        .unzip()
}
