//! What every trainer shares, written once: the optimiser's settings, the state carried between
//! steps (weights, their moving average, Adam's state, the noise stream, the step count) and its
//! checkpoint and exact resume. An [`Objective`] adds only its loss and its own settings.

use super::checkpoint::{Checkpoint, CheckpointState};
use super::ema::Ema;
use super::learning_rate::LearningRateSchedule;
use crate::network::{load_weights, weight_bytes};
use crate::noise::{Noise, Stream};
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Bytes, Device, Tensor};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// What every run's optimiser reads. An objective's settings embed these (flattened, so a
/// checkpoint's settings stay one flat record).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OptimiserSettings {
    /// The peak learning rate.
    pub learning_rate: f64,
    #[serde(default)]
    pub lr_schedule: LearningRateSchedule,
    pub ema_decay: f64,
    pub seed: u64,
}

impl Default for OptimiserSettings {
    fn default() -> Self {
        Self {
            learning_rate: 3e-4,
            lr_schedule: LearningRateSchedule::default(),
            ema_decay: 0.999,
            seed: 0,
        }
    }
}

/// A trainer's settings, which its checkpoints record. A resume must match them, except that the
/// learning-rate schedule may change at steps the run has not taken yet (a cool-down added to a
/// constant-rate run).
pub trait TrainerSettings: Serialize + DeserializeOwned + PartialEq + Debug + Clone {
    fn optimiser(&mut self) -> &mut OptimiserSettings;
}

impl TrainerSettings for OptimiserSettings {
    fn optimiser(&mut self) -> &mut OptimiserSettings {
        self
    }
}

/// One training objective: the network it trains, the settings its checkpoints record, and
/// (in the implementing type) anything else its loss needs at run time.
pub trait Objective {
    type Model: Module;
    type Settings: TrainerSettings;
}

/// A trainer of objective `O`. Each objective's file adds `step` (its loss, handed to
/// `state.descend`) and, when the objective needs more than the batches, its own `new`;
/// everything else is here.
pub struct Trainer<O: Objective> {
    pub(super) state: Optimised<O::Model>,
    pub(super) settings: O::Settings,
    pub(super) objective: O,
    /// Where the batches go: the model's device, with autodiff.
    pub(super) device: Device,
}

/// An objective that needs nothing at run time beyond the batches it is given.
impl<O: Objective + Default> Trainer<O> {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: O::Model, settings: O::Settings, device: &Device) -> Self {
        Self::with(model, settings, O::default(), device)
    }
}

impl<O: Objective> Trainer<O> {
    /// `model` must live on `device.autodiff()`.
    pub(super) fn with(
        model: O::Model,
        mut settings: O::Settings,
        objective: O,
        device: &Device,
    ) -> Self {
        let optimiser = *settings.optimiser();
        Self {
            state: Optimised::new(model, optimiser),
            settings,
            objective,
            device: device.clone(),
        }
    }

    /// The weights being optimised.
    pub fn model(&self) -> &O::Model {
        &self.state.model
    }

    /// The moving average of the weights, without autodiff: what to sample with, evaluate and
    /// export.
    pub fn ema(&self) -> &O::Model {
        self.state.ema()
    }

    /// Optimiser steps taken, counting those before a resume.
    pub fn steps(&self) -> u64 {
        self.state.steps()
    }

    /// Everything needed to continue exactly; `run` describes the architecture and data for the
    /// caller that resumes or exports.
    pub fn checkpoint(&self, run: serde_json::Value) -> Result<Checkpoint, String> {
        self.state.checkpoint(&self.settings, run)
    }

    /// Continues from `checkpoint`. The trainer must have been built with the same settings and
    /// architecture; its weights and state are replaced.
    pub fn resume(mut self, checkpoint: &Checkpoint) -> Result<Self, String> {
        self.state = self.state.resume(&self.settings, checkpoint)?;
        Ok(self)
    }
}

/// What a trainer carries between steps: the weights, their moving average, Adam's state, the
/// trainer's noise stream and the step count.
pub(super) struct Optimised<M: Module> {
    pub model: M,
    ema: Ema<M>,
    optimizer: ModuleOptimizer,
    /// The peak rate, scaled step by step by `lr_schedule`.
    learning_rate: f64,
    lr_schedule: LearningRateSchedule,
    /// The trainer's own randomness (times, noise, dropped labels), saved with the checkpoint.
    pub noise: Noise,
    steps: u64,
}

impl<M: Module> Optimised<M> {
    fn new(model: M, settings: OptimiserSettings) -> Self {
        Self {
            ema: Ema::new(&model, settings.ema_decay),
            model,
            optimizer: AdamConfig::new().init(),
            learning_rate: settings.learning_rate,
            lr_schedule: settings.lr_schedule,
            noise: Noise::new(settings.seed, Stream::Sampler),
            steps: 0,
        }
    }

    fn ema(&self) -> &M {
        self.ema.model()
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    /// Backpropagates a scalar `loss` of the current model, takes one Adam step, updates the
    /// average; returns the loss value.
    pub fn descend(&mut self, loss: Tensor<1>) -> f64 {
        f64::from(self.descend_queued(loss).into_scalar::<f32>())
    }

    /// The same, returning the loss still on the device, unread: in the browser a read must
    /// wait for the GPU asynchronously, and one read per slice of steps costs less than one per
    /// step.
    pub fn descend_queued(&mut self, loss: Tensor<1>) -> Tensor<1> {
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let rate = self.learning_rate * self.lr_schedule.factor(self.steps);
        self.model = self.optimizer.step(rate, self.model.clone(), grads);
        self.ema.update(&self.model);
        self.steps += 1;
        loss.detach().without_autodiff()
    }

    /// A checkpoint of this state; `settings` and `run` are the trainer's and the caller's.
    fn checkpoint(
        &self,
        settings: &impl Serialize,
        run: serde_json::Value,
    ) -> Result<Checkpoint, String> {
        let settings = serde_json::to_value(settings).expect("settings serialise");
        let optimizer = self
            .optimizer
            .into_bytes()
            .map_err(|e| format!("optimiser record: {e:?}"))?;
        Ok(Checkpoint {
            state: CheckpointState {
                step: self.steps,
                ema_updates: self.ema.updates(),
                noise: self.noise.position(),
                settings,
                run,
            },
            model: weight_bytes(&self.model)?,
            ema: weight_bytes(self.ema.model())?,
            optimizer: optimizer.to_vec(),
        })
    }

    /// Replaces this state by the checkpoint's, which must have been written with `settings`
    /// (the learning-rate schedule aside, which must agree on the steps taken): a resume with
    /// other settings would not continue the same run.
    fn resume<S: TrainerSettings>(
        mut self,
        settings: &S,
        checkpoint: &Checkpoint,
    ) -> Result<Self, String> {
        let mut saved: S = serde_json::from_value(checkpoint.state.settings.clone())
            .map_err(|e| format!("the checkpoint's settings are unreadable: {e}"))?;
        let used = std::mem::replace(&mut saved.optimiser().lr_schedule, self.lr_schedule);
        if &saved != settings {
            saved.optimiser().lr_schedule = used;
            return Err(format!(
                "the checkpoint was trained with {saved:?}, not {settings:?}"
            ));
        }
        if let Some(step) = self
            .lr_schedule
            .first_difference(&used, checkpoint.state.step)
        {
            return Err(format!(
                "the learning-rate schedule {:?} differs at step {step} from the checkpoint's \
                 {used:?}, and the run has taken {} steps: only steps not yet taken may change",
                self.lr_schedule, checkpoint.state.step
            ));
        }
        self.model = load_weights(self.model, &checkpoint.model)?;
        let ema = load_weights(self.ema.model().clone(), &checkpoint.ema)?;
        self.ema = self.ema.with_state(ema, checkpoint.state.ema_updates);
        self.optimizer = self
            .optimizer
            .from_bytes(Bytes::from_bytes_vec(checkpoint.optimizer.clone()))
            .map_err(|e| format!("optimiser record: {e:?}"))?;
        self.noise = Noise::at(checkpoint.state.noise);
        self.steps = checkpoint.state.step;
        Ok(self)
    }
}
