//! Training a 2D score MLP in the page: the native trainer's denoising score matching, label
//! dropout, Adam and moving average, taken a slice of steps at a time so that the page can draw
//! between slices, on whatever device the page runs.

use super::dsm::{DsmSettings, DsmTrainer, LossWeighting, exact_eps_error};
use super::points::{PointSet, TrainingData};
use super::trainer::OptimiserSettings;
use crate::denoiser::{ConditionalDenoiser, GaussianMixture};
use crate::lab::{Settings, field_points};
use crate::network::{ScoreMlp, ScoreMlpConfig};
use crate::noise::{Noise, Stream};
use crate::schedule::{Schedule, VpLinear};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

/// The page trainer's settings; the defaults are those of the shipped 2D networks
/// (scripts/train-weights.sh), so its runs compare with `diffusion train --model mlp2d`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveConfig {
    pub data: TrainingData,
    /// The painted points (x1, x2, class) when `data` is painted.
    pub points: Vec<[f64; 3]>,
    pub batch: usize,
    pub learning_rate: f64,
    /// Decay of the weights' moving average, which the samples and the field are drawn with.
    pub ema: f64,
    /// Probability of the null label, so that one network learns every class and none.
    pub p_uncond: f64,
    pub seed: u64,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            data: TrainingData::Blobs,
            points: Vec::new(),
            batch: 256,
            learning_rate: 1e-3,
            ema: 0.995,
            p_uncond: 0.2,
            seed: 0,
        }
    }
}

pub const MAX_BATCH: usize = 4096;
/// Steps in one slice at most: a slice is one call that the page cannot interrupt.
pub const MAX_SLICE: usize = 1000;

impl Settings for LiveConfig {
    const WHAT: &'static str = "trainer settings";

    fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(format!("batch must be between 1 and {MAX_BATCH}"));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 0.1) {
            return Err("learning_rate must be in (0, 0.1]".into());
        }
        if !(0.0..1.0).contains(&self.ema) {
            return Err("ema must be in [0, 1)".into());
        }
        if !(0.0..=1.0).contains(&self.p_uncond) {
            return Err("p_uncond must be in [0, 1]".into());
        }
        PointSet::new(self.data, self.points.clone()).map(|_| ())
    }
}

/// A score MLP being trained on a [`PointSet`].
pub struct LiveTrainer {
    config: LiveConfig,
    set: PointSet,
    trainer: DsmTrainer<ScoreMlp>,
    schedule: VpLinear,
    device: Device,
}

impl LiveTrainer {
    /// A fresh network on `device` (autodiff is added here), initialised from the seed as
    /// `diffusion train` initialises it.
    pub fn new(config: LiveConfig, device: &Device) -> Result<Self, String> {
        config.validate()?;
        let set = PointSet::new(config.data, config.points.clone())?;
        let autodiff = device.clone().autodiff();
        autodiff.seed(config.seed);
        let network = ScoreMlpConfig::new(2)
            .with_num_classes(set.classes())
            .init(&autodiff);
        let settings = DsmSettings {
            optimiser: OptimiserSettings {
                learning_rate: config.learning_rate,
                lr_schedule: Default::default(),
                ema_decay: config.ema,
                seed: config.seed,
            },
            weighting: LossWeighting::Uniform,
            p_uncond: config.p_uncond,
        };
        Ok(Self {
            trainer: DsmTrainer::new(network, settings, &autodiff),
            config,
            set,
            schedule: VpLinear::default(),
            device: device.clone(),
        })
    }

    pub fn config(&self) -> &LiveConfig {
        &self.config
    }

    /// Optimiser steps taken.
    pub fn steps(&self) -> u64 {
        self.trainer.steps()
    }

    /// `steps` more optimiser steps; their losses [steps, 1], unread.
    pub fn train(&mut self, steps: usize) -> Result<Tensor<2>, String> {
        if !(1..=MAX_SLICE).contains(&steps) {
            return Err(format!("a slice is 1 to {MAX_SLICE} steps"));
        }
        let losses = (0..steps)
            .map(|_| {
                let (x0, labels) =
                    self.set
                        .batch(self.config.batch, self.config.seed, self.trainer.steps());
                self.trainer.step_queued(&self.schedule, &x0, &labels)
            })
            .collect();
        Ok(Tensor::cat(losses, 0).reshape([steps, 1]))
    }

    /// The moving average of the weights, what the page samples with.
    pub fn network(&self) -> ScoreMlp {
        self.trainer.ema().clone()
    }

    /// The closed form of the data, where it has one.
    pub fn exact(&self) -> Option<GaussianMixture> {
        self.set.exact()
    }

    /// [`exact_eps_error`] of the averaged weights, where the data has a closed form.
    pub fn exact_error(&self) -> Option<Tensor<1>> {
        let exact = self.exact()?;
        Some(exact_eps_error(
            self.trainer.ema(),
            &exact,
            &self.schedule,
            &self.device,
        ))
    }

    /// The classes that have data.
    pub fn classes_present(&self) -> Vec<usize> {
        self.set.classes_present()
    }

    /// The averaged network's unconditional eps at time `t` for the points `xy` (flattened
    /// pairs): the field the samplers follow.
    pub fn eps_field(&self, t: f64, xy: &[f32]) -> Result<Tensor<2>, String> {
        let x = field_points(xy, t, &self.device)?;
        Ok(self
            .trainer
            .ema()
            .eps_given(x, &self.schedule.level(t), None))
    }

    /// The noise level sigma(t) of the schedule the network is trained on.
    pub fn sigma(&self, t: f64) -> f64 {
        self.schedule.sigma(t)
    }

    /// `n` points of the training set, flattened pairs, and their classes: the painted points
    /// themselves, or draws of the toy data.
    pub fn data_samples(&self, n: usize) -> (Vec<f32>, Vec<u32>) {
        let (rows, labels) = self
            .set
            .sample(n, &mut Noise::new(self.config.seed, Stream::Data));
        let xy = rows.into_iter().flatten().map(|v| v as f32).collect();
        (xy, labels.into_iter().map(|l| l as u32).collect())
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::lab::assert_refused;

    fn error(trainer: &LiveTrainer) -> f64 {
        f64::from(trainer.exact_error().unwrap().into_scalar::<f32>())
    }

    #[test]
    fn slices_of_training_take_the_network_toward_the_exact_score() {
        let device = Device::flex();
        let mut trainer = LiveTrainer::new(LiveConfig::default(), &device).unwrap();
        let before = error(&trainer);
        let losses = trainer.train(200).unwrap();
        assert_eq!((losses.dims(), trainer.steps()), ([200, 1], 200));
        let after = error(&trainer);
        // An untrained network is about as far from eps as eps itself; 200 steps learn most of
        // the blobs' score (measured: 1.00 before, 0.25 after).
        assert!(before > 0.8 && after < 0.5 * before, "{before} -> {after}");
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        assert_refused::<LiveConfig>(&[
            (r#"{"batch": 0}"#, "batch must be"),
            (r#"{"learning_rate": -1}"#, "learning_rate"),
            (r#"{"ema": 1}"#, "ema"),
            (r#"{"data": "spiral"}"#, "unknown training data 'spiral'"),
            (r#"{"data": "painted"}"#, "paint some points"),
            (r#"{"data": "painted", "points": [[0, 9, 0]]}"#, "outside"),
            (r#"{"stepz": 1}"#, "unknown field"),
        ]);
        let mut trainer = LiveTrainer::new(LiveConfig::default(), &Device::flex()).unwrap();
        assert!(trainer.train(0).is_err() && trainer.train(1001).is_err());
        assert!(trainer.eps_field(0.0, &[0.0, 0.0]).is_err());
        assert!(trainer.eps_field(0.5, &[0.0]).is_err());
    }
}
