use super::checkpoint::{Checkpoint, CheckpointState};
use crate::network::ScoreMlp;
use crate::noise::{Noise, Stream};
use crate::schedule::Schedule;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device, Int, Tensor, TensorData};

/// An eps network as training sees it: per-sample times and labels.
pub trait EpsNetwork: Module + Clone {
    fn num_classes(&self) -> usize;
    /// eps for x [batch, dim] at t [batch, 1] with labels [batch] (`num_classes` is the null label).
    fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2>;
}

impl EpsNetwork for ScoreMlp {
    fn num_classes(&self) -> usize {
        crate::denoiser::ConditionalDenoiser::num_classes(self)
    }

    fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2> {
        ScoreMlp::forward(self, x, t, labels)
    }
}

/// Denoising score matching with eps prediction (Ho et al. 2020; Song et al. 2021):
/// t ~ U(t_min, 1), x_t = alpha(t) x_0 + sigma(t) z, loss = |eps(x_t, t, label) - z|^2, with the
/// label replaced by the null label with probability `p_uncond` so that one network also learns
/// the unconditional score classifier-free guidance needs. Adam on a device with autodiff.
pub struct DsmTrainer<M: EpsNetwork> {
    model: M,
    optimizer: ModuleOptimizer,
    learning_rate: f64,
    p_uncond: f64,
    noise: Noise,
    device: Device,
    steps: u64,
}

impl<M: EpsNetwork> DsmTrainer<M> {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: M, learning_rate: f64, p_uncond: f64, seed: u64, device: &Device) -> Self {
        assert!((0.0..=1.0).contains(&p_uncond), "p_uncond is a probability");
        Self {
            model,
            optimizer: AdamConfig::new().init(),
            learning_rate,
            p_uncond,
            noise: Noise::new(seed, Stream::Sampler),
            device: device.clone(),
            steps: 0,
        }
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    /// Optimiser steps taken, counting those before a resume.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Everything needed to continue exactly; `settings` is stored for the resume to check.
    pub fn checkpoint(&self, settings: serde_json::Value) -> Result<Checkpoint, String> {
        let model = self
            .model
            .clone()
            .into_record()
            .into_bytes()
            .map_err(|e| format!("model record: {e:?}"))?;
        let optimizer = self
            .optimizer
            .into_bytes()
            .map_err(|e| format!("optimiser record: {e:?}"))?;
        Ok(Checkpoint {
            state: CheckpointState {
                step: self.steps,
                noise: self.noise.position(),
                settings,
            },
            model: model.to_vec(),
            optimizer: optimizer.to_vec(),
        })
    }

    /// Continues from `checkpoint`; `model` supplies the architecture (its weights are replaced).
    pub fn resume(mut self, checkpoint: &Checkpoint) -> Result<Self, String> {
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(checkpoint.model.clone()))
            .map_err(|e| format!("model record: {e:?}"))?;
        self.model = self
            .model
            .try_load_record(record)
            .map_err(|e| format!("the checkpoint does not fit this architecture: {e:?}"))?;
        self.optimizer = self
            .optimizer
            .from_bytes(Bytes::from_bytes_vec(checkpoint.optimizer.clone()))
            .map_err(|e| format!("optimiser record: {e:?}"))?;
        self.noise = Noise::at(checkpoint.state.noise);
        self.steps = checkpoint.state.step;
        Ok(self)
    }

    /// One optimiser step on a batch of data rows with their labels; returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        let batch = x0.len();
        assert!(batch > 0 && labels.len() == batch, "one label per row");
        let dim = x0[0].len();
        let (t_min, null) = (schedule.t_min(), self.model.num_classes());
        let t: Vec<f64> = (0..batch)
            .map(|_| t_min + (1.0 - t_min) * self.noise.uniform())
            .collect();
        let column = |f: &dyn Fn(f64) -> f64| {
            let v: Vec<f32> = t.iter().map(|&t| f(t) as f32).collect();
            Tensor::<2>::from_data(TensorData::new(v, [batch, 1]), &self.device)
        };
        let (alpha, sigma, times) = (
            column(&|t| schedule.alpha(t)),
            column(&|t| schedule.sigma(t)),
            column(&|t| t),
        );
        let dropped: Vec<i64> = labels
            .iter()
            .map(|&l| if self.noise.uniform() < self.p_uncond { null } else { l } as i64)
            .collect();
        let labels = Tensor::<1, Int>::from_data(TensorData::new(dropped, [batch]), &self.device);
        let x0 = crate::tensor::from_rows(x0, &self.device);
        let z = self.noise.normal(batch, dim, &self.device);
        let xt = x0 * alpha + z.clone() * sigma;
        let loss = (self.model.forward(xt, times, labels) - z).square().mean();
        let value = f64::from(loss.clone().into_scalar::<f32>());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self
            .optimizer
            .step(self.learning_rate, self.model.clone(), grads);
        self.steps += 1;
        value
    }
}
