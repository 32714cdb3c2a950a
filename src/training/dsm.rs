use super::checkpoint::Checkpoint;
use super::noise_at_random_times;
use super::optimised::Optimised;
use crate::network::EpsNetwork;
use crate::schedule::Schedule;
use crate::tensor::from_rows;
use burn::tensor::{Device, Int, Tensor, TensorData};

/// The knobs of a DSM run; a checkpoint records them and a resume must match them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DsmSettings {
    pub learning_rate: f64,
    /// Probability of training a sample with the null label (seed 003: 0.2).
    pub p_uncond: f64,
    pub ema_decay: f64,
    pub seed: u64,
}

impl Default for DsmSettings {
    fn default() -> Self {
        Self {
            learning_rate: 3e-4,
            p_uncond: 0.2,
            ema_decay: 0.999,
            seed: 0,
        }
    }
}

/// Denoising score matching with eps prediction (Ho et al. 2020; Song et al. 2021):
/// t ~ U(t_min, 1), x_t = alpha(t) x_0 + sigma(t) z, loss = |eps(x_t, t, label) - z|^2, with the
/// label replaced by the null label with probability `p_uncond` so that one network also learns
/// the unconditional score classifier-free guidance needs. Adam on a device with autodiff, and an
/// exponential moving average of the weights to sample with.
pub struct DsmTrainer<M: EpsNetwork> {
    state: Optimised<M>,
    settings: DsmSettings,
    device: Device,
}

impl<M: EpsNetwork> DsmTrainer<M> {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: M, settings: DsmSettings, device: &Device) -> Self {
        assert!(
            (0.0..=1.0).contains(&settings.p_uncond),
            "p_uncond is a probability"
        );
        Self {
            state: Optimised::new(
                model,
                settings.learning_rate,
                settings.ema_decay,
                settings.seed,
            ),
            settings,
            device: device.clone(),
        }
    }

    /// The weights being optimised.
    pub fn model(&self) -> &M {
        &self.state.model
    }

    /// The moving average of the weights, without autodiff: what to sample with and export.
    pub fn ema(&self) -> &M {
        self.state.ema()
    }

    /// Optimiser steps taken, counting those before a resume.
    pub fn steps(&self) -> u64 {
        self.state.steps()
    }

    /// Everything needed to continue exactly; `run` describes the architecture and data for the
    /// caller that resumes or exports.
    pub fn checkpoint(&self, run: serde_json::Value) -> Result<Checkpoint, String> {
        let settings = serde_json::to_value(&self.settings).expect("settings serialise");
        self.state.checkpoint(settings, run)
    }

    /// Continues from `checkpoint`. The trainer must have been built with the same settings and
    /// architecture; its weights and state are replaced.
    pub fn resume(mut self, checkpoint: &Checkpoint) -> Result<Self, String> {
        let saved: DsmSettings = serde_json::from_value(checkpoint.state.settings.clone())
            .map_err(|e| format!("the checkpoint's settings are unreadable: {e}"))?;
        if saved != self.settings {
            return Err(format!(
                "the checkpoint was trained with {saved:?}, not {:?}",
                self.settings
            ));
        }
        self.state = self.state.resume(checkpoint)?;
        Ok(self)
    }

    /// One optimiser step on a batch of data rows with their labels; returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        let batch = x0.len();
        assert!(batch > 0 && labels.len() == batch, "one label per row");
        let null = self.state.model.num_classes();
        let noise = &mut self.state.noise;
        let noised = noise_at_random_times(schedule, from_rows(x0, &self.device), noise);
        let dropped: Vec<i64> = labels
            .iter()
            .map(|&l| if noise.uniform() < self.settings.p_uncond { null } else { l } as i64)
            .collect();
        let labels = Tensor::<1, Int>::from_data(TensorData::new(dropped, [batch]), &self.device);
        let loss = (self.state.model.forward(noised.x, noised.t, labels) - noised.z)
            .square()
            .mean();
        self.state.descend(loss)
    }
}
