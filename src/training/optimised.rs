use super::checkpoint::{Checkpoint, CheckpointState};
use super::ema::Ema;
use super::learning_rate::LearningRateSchedule;
use crate::network::{load_weights, weight_bytes};
use crate::noise::{Noise, Stream};
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Bytes, Tensor};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// What every trainer carries between steps: the weights, their moving average, Adam's state,
/// the trainer's noise stream and the step count. One place turns it into a checkpoint and back,
/// so that every trainer resumes exactly.
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
    pub fn new(
        model: M,
        learning_rate: f64,
        lr_schedule: LearningRateSchedule,
        ema_decay: f64,
        seed: u64,
    ) -> Self {
        Self {
            ema: Ema::new(&model, ema_decay),
            model,
            optimizer: AdamConfig::new().init(),
            learning_rate,
            lr_schedule,
            noise: Noise::new(seed, Stream::Sampler),
            steps: 0,
        }
    }

    pub fn ema(&self) -> &M {
        self.ema.model()
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Backpropagates a scalar `loss` of the current model, takes one Adam step, updates the
    /// average; returns the loss value.
    pub fn descend(&mut self, loss: Tensor<1>) -> f64 {
        let value = f64::from(loss.clone().into_scalar::<f32>());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let rate = self.learning_rate * self.lr_schedule.factor(self.steps);
        self.model = self.optimizer.step(rate, self.model.clone(), grads);
        self.ema.update(&self.model);
        self.steps += 1;
        value
    }

    /// A checkpoint of this state; `settings` and `run` are the trainer's and the caller's.
    pub fn checkpoint(
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

    /// Replaces this state by the checkpoint's, which must have been written with `settings`:
    /// a resume with other settings would not continue the same run.
    pub fn resume<S>(mut self, settings: &S, checkpoint: &Checkpoint) -> Result<Self, String>
    where
        S: DeserializeOwned + PartialEq + Debug,
    {
        let saved: S = serde_json::from_value(checkpoint.state.settings.clone())
            .map_err(|e| format!("the checkpoint's settings are unreadable: {e}"))?;
        if &saved != settings {
            return Err(format!(
                "the checkpoint was trained with {saved:?}, not {settings:?}"
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
