use super::train_log::{Entry, TrainingLog};
use super::{DeviceChoice, Model, device, read_weight_file};
use crate::choice;
use crate::denoiser::GaussianMixture;
use crate::native::mnist::{Digits, SIDE, diffusion_scale};
use crate::network::{
    Conditioning, DigitClassifierConfig, ScoreMlp, ScoreMlpConfig, TimeMlpConfig, UNet, UNetConfig,
    Width,
};
use crate::noise::Noise;
use crate::presets::Preset;
use crate::schedule::{Schedule, VpLinear};
use crate::toy_data;
use crate::training::{
    Augmentation, Cep, CepTrainer, Checkpoint, ClassifierTrainer, CrossEntropy, Decay, Dsm,
    DsmSettings, DsmTrainer, EXACT_ERROR_TIMES, EnergySettings, Force, ForceTrainer,
    LearningRateSchedule, LossWeighting, Objective, OptimiserSettings, Trainer, accuracy,
    accuracy_at, batch_noise, exact_eps_error, relative_eps_error,
};
use burn::tensor::Device;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub(super) struct Args {
    #[arg(long, value_enum)]
    model: Model,
    /// Toy data set for mlp2d (blobs, ring, moons, swiss-roll, checkerboard), or a 2D lab data set
    /// with a closed-form score for energy and force (correlated, blobs, ring); the U-Net and the
    /// classifiers train on MNIST.
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
    /// Steps over which the learning rate rises linearly from 0 to --lr.
    #[arg(long, default_value_t = 0)]
    warmup: u64,
    /// After the warm-up: constant (a run that can go on as long as it improves), cosine (down
    /// to 0 at --steps, for a run of fixed length) or cooldown (constant up to --cooldown-from,
    /// then linearly down to 0 at --steps; a constant run resumes into it).
    #[arg(long, value_enum, default_value = "constant")]
    decay: DecayChoice,
    /// The step where a cool-down starts (--decay cooldown).
    #[arg(long)]
    cooldown_from: Option<u64>,
    /// How each sample's eps error counts by its noise level (denoisers only): uniform, or
    /// min-snr (Hang et al. 2023) with --min-snr-gamma.
    #[arg(long, value_enum, default_value = "uniform")]
    weighting: Weighting,
    #[arg(long, default_value_t = 5.0)]
    min_snr_gamma: f64,
    /// The U-Net: train on distorted digits (affine: up to 5° of rotation, 5 % of scaling and a
    /// pixel of shift), from step --augment-from on. The classifiers always see distorted digits.
    #[arg(long, value_enum)]
    augment: Option<AugmentChoice>,
    /// The first step that trains on distorted digits; a run resumes into augmentation as into a
    /// cool-down.
    #[arg(long, default_value_t = 0, requires = "augment")]
    augment_from: u64,
    /// The U-Net: how its blocks take the time-and-class embedding (shift, or scale-shift:
    /// Dhariwal & Nichol's adaptive group normalisation).
    #[arg(long, value_enum)]
    conditioning: Option<Conditioning>,
    /// The U-Net: narrow (32, 64, 64 channels: what the page has drawn with) or wide (40, 80,
    /// 160: three times the weights at 1.6 times the work per step).
    #[arg(long, value_enum)]
    width: Option<Width>,
    /// The U-Net: start from these weights (an exported `.bpk`, or a U-Net checkpoint's
    /// averaged weights) instead of fresh ones, with new optimiser state and average. Shift-only
    /// weights start a scale-shift run with zero scales, drawing what they drew.
    #[arg(long, conflicts_with = "resume")]
    init: Option<PathBuf>,
    /// Probability of the null label (Ilin & Friesen mask 20 %); denoisers only.
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
    /// Energy and force: the target q_0 exp(-beta E), E(x) = |x - center|^2 / 2 (the 2D lab's).
    #[arg(long, default_value_t = 1.0)]
    beta: f64,
    #[arg(long, num_args = 2, value_names = ["X1", "X2"], default_values_t = [1.5, 1.5])]
    center: Vec<f64>,
    /// Energy and force: rows that share one time, K of contrastive energy prediction; --batch
    /// must be a multiple.
    #[arg(long, default_value_t = 32)]
    group: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
enum DecayChoice {
    Constant,
    Cosine,
    Cooldown,
}

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
enum AugmentChoice {
    None,
    Affine,
}

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
enum Weighting {
    Uniform,
    MinSnr,
}

/// Up to 10° of rotation, 10 % of scaling and 2 pixels of shift: digits a sampler could draw.
const CLASSIFIER_AUGMENTATION: Augmentation = Augmentation::Affine {
    degrees: 10.0,
    scale: 0.1,
    pixels: 2.0,
};

/// Milder than the classifiers': a generator learns to draw what it sees, and a digit turned by
/// 5° and moved by a pixel is still one MNIST could hold; 9,003 digits seen hundreds of times
/// each are few (Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based Generative
/// Models", augment their small data sets). Measured on the shipped run and not used: the network
/// learns the softer, resampled digits, and fewer of its samples read as asked (docs/results.md).
const UNET_AUGMENTATION: Augmentation = Augmentation::Affine {
    degrees: 5.0,
    scale: 0.05,
    pixels: 1.0,
};

/// What a checkpoint needs to rebuild its run, stored in its `run` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Run {
    pub model: Model,
    pub data: String,
    pub batch: usize,
    /// How each MNIST image is distorted before training on it.
    #[serde(default)]
    pub augmentation: Augmentation,
    /// The first step whose digits are distorted (0: all).
    #[serde(default)]
    pub augment_from: u64,
    /// How the U-Net's blocks take the embedding.
    #[serde(default)]
    pub conditioning: Conditioning,
    /// How wide the U-Net is.
    #[serde(default)]
    pub width: Width,
    /// The weights the run started from (none: fresh ones).
    #[serde(default)]
    pub init: Option<PathBuf>,
}

impl Run {
    /// The run a checkpoint of this tool describes.
    pub fn of(checkpoint: &Checkpoint) -> Result<Self, String> {
        serde_json::from_value(checkpoint.state.run.clone())
            .map_err(|e| format!("not a training checkpoint of this tool: {e}"))
    }

    /// How the digits of batch `step` are distorted.
    fn augmentation_at(&self, step: u64) -> Augmentation {
        if step >= self.augment_from {
            self.augmentation
        } else {
            Augmentation::None
        }
    }

    /// Whether a run with these settings continues `saved`, which has taken `taken` steps: the
    /// same in all but the augmentation, which may change only at steps not yet taken.
    fn continues(&self, saved: &Self, taken: u64) -> Result<(), String> {
        let plain = |run: &Self| Self {
            augmentation: Augmentation::None,
            augment_from: 0,
            init: None,
            ..run.clone()
        };
        if plain(saved) != plain(self) {
            return Err(format!("the checkpoint is of {saved:?}, not {self:?}"));
        }
        match (0..taken).find(|&s| saved.augmentation_at(s) != self.augmentation_at(s)) {
            Some(step) => Err(format!(
                "the augmentation differs at step {step} from the checkpoint's ({saved:?}), and \
                 the run has taken {taken} steps: only steps not yet taken may change"
            )),
            None => Ok(()),
        }
    }

    /// The score MLP of an mlp2d or mlp1d run, sized for its data.
    pub fn score_mlp(&self, device: &Device) -> Result<ScoreMlp, String> {
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

    /// The U-Net of a U-Net run, before any checkpoint is loaded into it.
    pub fn unet(&self) -> UNetConfig {
        UNetConfig::new()
            .with_width(self.width)
            .with_conditioning(self.conditioning)
    }

    /// The U-Net a run starts from: fresh, or the weights of `--init` with the run's conditioning.
    fn initial_unet(&self, device: &Device) -> Result<UNet, String> {
        let Some(path) = &self.init else {
            return Ok(self.unet().init(device));
        };
        let unet = read_weight_file(path, |bytes| match Checkpoint::from_bytes(bytes) {
            // A training checkpoint starts the run from what its run would export.
            Ok(checkpoint) => UNet::from_weights(&checkpoint.ema, device),
            Err(_) => UNet::from_weights(bytes, device),
        })?;
        if unet.width() != self.width {
            return Err(format!(
                "{}: {:?} weights cannot start a {:?} run",
                path.display(),
                unet.width(),
                self.width
            ));
        }
        match (unet.conditioning(), self.conditioning) {
            (from, to) if from == to => Ok(unet),
            (Conditioning::Shift, Conditioning::ScaleShift) => Ok(unet.with_scale_shift(device)),
            (from, to) => Err(format!(
                "{}: weights with {from:?} conditioning cannot start a {to:?} run: dropping their \
                 scales would change what they draw",
                path.display()
            )),
        }
    }

    pub fn classifier(&self) -> DigitClassifierConfig {
        DigitClassifierConfig::new().with_noise_conditioned(self.model == Model::NoisyClassifier)
    }
}

pub(super) fn run(args: Args) -> Result<(), String> {
    if args.batch == 0 || args.every == 0 {
        return Err("--batch and --every must be positive".into());
    }
    if !(0.0..=1.0).contains(&args.p_uncond)
        || !(0.0..1.0).contains(&args.ema)
        || !args.lr.is_finite()
        || args.lr <= 0.0
    {
        return Err("--p-uncond must be in [0, 1], --ema in [0, 1) and --lr positive".into());
    }
    if !(args.min_snr_gamma.is_finite() && args.min_snr_gamma > 0.0) {
        return Err("--min-snr-gamma must be positive".into());
    }
    // Training runs with autodiff; the held-out figures are read on the device without it.
    let plain = device(args.device)?;
    let device = plain.clone().autodiff();
    // The initial weights, like everything else, follow from --seed.
    device.seed(args.seed);
    let data = match args.model {
        Model::Unet | Model::Classifier | Model::NoisyClassifier => "mnist".into(),
        Model::Mlp1d => "gp".into(),
        Model::Mlp2d => args.data.clone(),
        Model::Energy | Model::Force => {
            check_energy_args(&args)?;
            args.data.clone()
        }
    };
    if args.model != Model::Unet
        && (args.conditioning.is_some() || args.width.is_some() || args.init.is_some())
    {
        return Err("--conditioning, --width and --init are for the U-Net".into());
    }
    let mut run = Run {
        model: args.model,
        data,
        batch: args.batch,
        augmentation: match (args.model, args.augment) {
            // The classifiers must read digits wherever and however a sampler draws them.
            (Model::Classifier | Model::NoisyClassifier, None) => CLASSIFIER_AUGMENTATION,
            (Model::Unet, Some(AugmentChoice::Affine)) => UNET_AUGMENTATION,
            (Model::Unet, Some(AugmentChoice::None)) | (_, None) => Augmentation::None,
            (_, Some(_)) => {
                return Err("--augment is for the U-Net (the classifiers always distort)".into());
            }
        },
        augment_from: args.augment_from,
        conditioning: args.conditioning.unwrap_or_default(),
        width: args.width.unwrap_or_default(),
        init: args.init.clone(),
    };
    let loaded = if args.resume {
        let c = Checkpoint::load(&args.checkpoint).map_err(|e| e.to_string())?;
        let saved = Run::of(&c)?;
        run.continues(&saved, c.state.step)?;
        // Where the run started stays on record through every resume.
        run.init = saved.init;
        Some(c)
    } else {
        None
    };
    let (digits, held_out) = match run.model {
        // A 2D data set with a closed form: the log follows the error against its exact score.
        Model::Mlp2d => {
            let exact = choice::parse::<Preset>(&run.data)
                .ok()
                .map(|p| HeldOut::Exact {
                    mixture: p.mixture(),
                    device: plain.clone(),
                });
            (None, exact)
        }
        Model::Mlp1d | Model::Energy | Model::Force => (None, None),
        _ => {
            let (train, test) = Digits::load(&args.mnist)?.split(10);
            (Some(train), Some(HeldOut::of(&test, run.model, &plain)))
        }
    };
    let lr_schedule = LearningRateSchedule {
        warmup_steps: args.warmup,
        decay: match (args.decay, args.cooldown_from) {
            (DecayChoice::Constant, None) => Decay::Constant,
            (DecayChoice::Cosine, None) => Decay::Cosine { steps: args.steps },
            (DecayChoice::Cooldown, Some(from)) => Decay::Cooldown {
                from,
                steps: args.steps,
            },
            (DecayChoice::Cooldown, None) => {
                return Err("--decay cooldown needs --cooldown-from, the step it starts at".into());
            }
            (_, Some(_)) => return Err("--cooldown-from goes with --decay cooldown".into()),
        },
    };
    let optimiser = OptimiserSettings {
        learning_rate: args.lr,
        lr_schedule,
        ema_decay: args.ema,
        seed: args.seed,
    };
    let dsm = DsmSettings {
        optimiser,
        weighting: match args.weighting {
            Weighting::Uniform => LossWeighting::Uniform,
            Weighting::MinSnr => LossWeighting::MinSnr {
                gamma: args.min_snr_gamma,
            },
        },
        p_uncond: args.p_uncond,
    };
    let energy = EnergySettings {
        optimiser,
        beta: args.beta,
        center: args.center.clone(),
        group: args.group,
    };
    let job = Job {
        args: &args,
        digits: digits.as_ref(),
        held_out: held_out.as_ref(),
        run: run.clone(),
    };
    match run.model {
        Model::Unet => {
            // A resumed run's weights come from its checkpoint, not from --init's file.
            let unet = match loaded {
                Some(_) => run.unet().init(&device),
                None => run.initial_unet(&device)?,
            };
            job.train(DsmTrainer::new(unet, dsm, &device), loaded)
        }
        Model::Mlp2d | Model::Mlp1d => job.train(
            DsmTrainer::new(run.score_mlp(&device)?, dsm, &device),
            loaded,
        ),
        Model::Classifier | Model::NoisyClassifier => job.train(
            ClassifierTrainer::new(run.classifier().init(&device), optimiser, &device),
            loaded,
        ),
        Model::Energy => job.train(
            CepTrainer::new(TimeMlpConfig::energy(2).init(&device), energy, &device),
            loaded,
        ),
        Model::Force => {
            let data = choice::parse::<Preset>(&run.data)?.mixture();
            job.train(
                ForceTrainer::new(
                    TimeMlpConfig::force(2).init(&device),
                    energy,
                    Box::new(data),
                    &device,
                ),
                loaded,
            )
        }
    }
}

/// The energy and force networks learn E_t of a 2D lab data set: the force trainer needs its
/// closed-form score, and the lab draws the exact tilted target beside them.
fn check_energy_args(args: &Args) -> Result<(), String> {
    if choice::parse::<Preset>(&args.data).is_err() {
        return Err(format!(
            "--model {} trains on a 2D lab data set with a closed-form score ({}), not '{}'",
            if args.model == Model::Energy {
                "energy"
            } else {
                "force"
            },
            choice::names::<Preset>().join(", "),
            args.data
        ));
    }
    if !(args.beta.is_finite() && args.beta >= 0.0) || args.center.iter().any(|c| !c.is_finite()) {
        return Err("--beta must be a non-negative number and --center two numbers".into());
    }
    if args.group < 2 || !args.batch.is_multiple_of(args.group) {
        return Err(format!(
            "--group must be at least 2 and divide --batch ({} rows in groups of {})",
            args.batch, args.group
        ));
    }
    Ok(())
}

/// What the training loop needs of an objective beyond what every [`Trainer`] has: a step on
/// a batch, and how its averaged weights do on held-out data (see `train_log::Entry::held_out`).
trait Fit: Objective + Sized {
    fn fit(
        trainer: &mut Trainer<Self>,
        schedule: &dyn Schedule,
        x0: &[Vec<f64>],
        labels: &[usize],
    ) -> f64;

    /// Nothing by default: the energy runs have no held-out set, tests/trained_energy.rs
    /// measures them against the closed-form intermediate energy instead.
    fn held_out(_: &Trainer<Self>, _: &HeldOut, _: &dyn Schedule) -> serde_json::Value {
        serde_json::Value::Null
    }
}

/// What the training log measures a run's averaged weights on, on the device without autodiff.
enum HeldOut {
    /// Held-out digits, rows in [-1, 1].
    Digits {
        rows: Vec<Vec<f64>>,
        labels: Vec<usize>,
        device: Device,
    },
    /// The closed form of a 2D data set, whose exact score a score network is measured against
    /// (the page's trainer reports the same figure).
    Exact {
        mixture: GaussianMixture,
        device: Device,
    },
}

/// The times at which the log measures a denoiser's held-out eps error: nearly clean, where
/// detail is drawn, through mostly noise, where the digit's shape is decided.
const HELD_OUT_TIMES: [f64; 4] = [0.05, 0.2, 0.5, 0.8];

impl HeldOut {
    /// The classifiers are judged on every held-out digit (a forward pass each is cheap); the
    /// U-Net on every fourth, which keeps its four passes to seconds beside minutes of training.
    fn of(test: &Digits, model: Model, device: &Device) -> Self {
        let every = if model == Model::Unet { 4 } else { 1 };
        let (rows, labels) = (0..test.len())
            .step_by(every)
            .map(|i| (diffusion_scale(&test.images[i]), test.labels[i]))
            .unzip();
        Self::Digits {
            rows,
            labels,
            device: device.clone(),
        }
    }
}

impl<M: crate::network::EpsNetwork> Fit for Dsm<M> {
    fn fit(t: &mut DsmTrainer<M>, s: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        t.step(s, x0, labels)
    }

    fn held_out(
        trainer: &DsmTrainer<M>,
        data: &HeldOut,
        schedule: &dyn Schedule,
    ) -> serde_json::Value {
        match data {
            HeldOut::Digits {
                rows,
                labels,
                device,
            } => {
                let errors = relative_eps_error(
                    trainer.ema(),
                    schedule,
                    rows,
                    labels,
                    &HELD_OUT_TIMES,
                    device,
                );
                serde_json::json!({ "t": HELD_OUT_TIMES, "relative_eps_error": errors })
            }
            HeldOut::Exact { mixture, device } => {
                let error = exact_eps_error(trainer.ema(), mixture, schedule, device);
                let error = f64::from(error.into_scalar::<f32>());
                serde_json::json!({ "t": EXACT_ERROR_TIMES, "exact_eps_error": error })
            }
        }
    }
}

impl Fit for CrossEntropy {
    fn fit(t: &mut ClassifierTrainer, s: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        t.step(s, x0, labels)
    }

    fn held_out(
        trainer: &ClassifierTrainer,
        data: &HeldOut,
        schedule: &dyn Schedule,
    ) -> serde_json::Value {
        let HeldOut::Digits {
            rows,
            labels,
            device,
        } = data
        else {
            return serde_json::Value::Null;
        };
        let model = trainer.ema();
        let clean = accuracy(model, rows, labels, device);
        if !model.is_noise_conditioned() {
            return serde_json::json!({ "accuracy": clean });
        }
        // What classifier guidance asks of it: reading digits through noise.
        let noisy: Vec<f64> = HELD_OUT_TIMES
            .iter()
            .map(|&t| {
                let level = Some(schedule.level(t));
                accuracy_at(model, level, rows, labels, device)
            })
            .collect();
        serde_json::json!({ "accuracy": clean, "t": HELD_OUT_TIMES, "accuracy_at_t": noisy })
    }
}

impl Fit for Cep {
    fn fit(t: &mut CepTrainer, s: &dyn Schedule, x0: &[Vec<f64>], _: &[usize]) -> f64 {
        t.step(s, x0)
    }
}

impl Fit for Force {
    fn fit(t: &mut ForceTrainer, s: &dyn Schedule, x0: &[Vec<f64>], _: &[usize]) -> f64 {
        t.step(s, x0)
    }
}

struct Job<'a> {
    args: &'a Args,
    digits: Option<&'a Digits>,
    held_out: Option<&'a HeldOut>,
    run: Run,
}

impl Job<'_> {
    fn train<O: Fit>(&self, trainer: Trainer<O>, resume: Option<Checkpoint>) -> Result<(), String> {
        let mut trainer = match &resume {
            Some(c) => trainer.resume(c)?,
            None => trainer,
        };
        let (total, every) = (self.args.steps, self.args.every);
        let schedule = VpLinear::default();
        let bar = ProgressBar::new(total).with_position(trainer.steps());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} steps, {per_sec}, loss {msg}")
                .expect("template"),
        );
        let run = serde_json::to_value(&self.run).expect("run serialises");
        let mut log =
            TrainingLog::open(&self.args.checkpoint, resume.as_ref().map(|c| c.state.step))?;
        let (seconds_before, started) = (log.seconds(), Instant::now());
        let (mut loss_sum, mut loss_steps) = (0.0, 0u64);
        while trainer.steps() < total {
            // Batches depend only on the seed and the step, so a resumed run sees the same data.
            let mut noise = batch_noise(self.args.seed, trainer.steps());
            let (x0, labels) = self.batch(&mut noise, trainer.steps())?;
            let loss = O::fit(&mut trainer, &schedule, &x0, &labels);
            if !loss.is_finite() {
                return Err(format!(
                    "the loss became {loss} at step {}; the last checkpoint is intact",
                    trainer.steps()
                ));
            }
            bar.set_position(trainer.steps());
            bar.set_message(format!("{loss:.4}"));
            loss_sum += loss;
            loss_steps += 1;
            if trainer.steps().is_multiple_of(every) || trainer.steps() == total {
                trainer
                    .checkpoint(run.clone())?
                    .save_atomic(&self.args.checkpoint)
                    .map_err(|e| e.to_string())?;
                let held_out = self.held_out.map_or(serde_json::Value::Null, |h| {
                    O::held_out(&trainer, h, &schedule)
                });
                let entry = Entry {
                    step: trainer.steps(),
                    images: trainer.steps() * self.run.batch as u64,
                    seconds: seconds_before + started.elapsed().as_secs_f64(),
                    loss: loss_sum / loss_steps as f64,
                    held_out,
                };
                (loss_sum, loss_steps) = (0.0, 0);
                // Also when stdout is a log file, where the bar itself stays hidden.
                bar.suspend(|| {
                    println!(
                        "step {} loss {:.5} held-out {} checkpoint written",
                        entry.step, entry.loss, entry.held_out
                    )
                });
                log.append(entry)?;
            }
        }
        bar.finish();
        Ok(())
    }

    /// The batch of step `step`.
    fn batch(&self, noise: &mut Noise, step: u64) -> Result<(Vec<Vec<f64>>, Vec<usize>), String> {
        let size = self.run.batch;
        Ok(match (self.digits, self.run.model) {
            (Some(d), _) => mnist_batch(d, noise, size, self.run.augmentation_at(step)),
            (None, Model::Mlp1d) => toy_data::sample_functions(size, noise),
            (None, Model::Energy | Model::Force) => choice::parse::<Preset>(&self.run.data)?
                .mixture()
                .sample(size, noise),
            (None, _) => toy_data::sample(&self.run.data, size, noise)?,
        })
    }
}

/// MNIST digits drawn at random, each distorted by `augmentation`, as rows in [-1, 1].
fn mnist_batch(
    digits: &Digits,
    noise: &mut Noise,
    size: usize,
    augmentation: Augmentation,
) -> (Vec<Vec<f64>>, Vec<usize>) {
    (0..size)
        .map(|_| {
            let i = ((noise.uniform() * digits.len() as f64) as usize).min(digits.len() - 1);
            let image = augmentation.apply(&digits.images[i], SIDE, noise);
            (diffusion_scale(&image), digits.labels[i])
        })
        .unzip()
}

/// The checkpoint at `path` and the run it describes.
pub(super) fn load_checkpoint(path: &Path) -> Result<(Checkpoint, Run), String> {
    let c = Checkpoint::load(path).map_err(|e| e.to_string())?;
    let run = Run::of(&c)?;
    Ok((c, run))
}
