use super::Sampler;
use crate::denoiser::Denoiser;
use crate::noise::{Noise, Stream};
use crate::projection::Projection;
use crate::schedule::Schedule;
use burn::tensor::{Device, Tensor};

/// `steps` equal intervals from t = 1 down to `t_min`: steps + 1 times.
pub fn uniform_times(steps: usize, t_min: f64) -> Vec<f64> {
    assert!(steps > 0, "sampling needs at least one step");
    (0..=steps)
        .map(|i| 1.0 - (1.0 - t_min) * i as f64 / steps as f64)
        .collect()
}

/// What a run is made of. Passed to every move rather than stored, so the page can change the
/// guidance of a running trajectory, and so owners (the wasm objects) need no self-references.
#[derive(Clone, Copy)]
pub struct Parts<'a> {
    pub model: &'a dyn Denoiser,
    pub sampler: &'a dyn Sampler,
    pub schedule: &'a dyn Schedule,
    pub projection: Option<&'a dyn Projection>,
}

/// What a trajectory emits after each move: the page draws it, tests measure it.
pub struct Step {
    /// Moves done so far (1 after the first).
    pub index: usize,
    /// The time x is now at.
    pub t: f64,
    pub x: Tensor<2>,
    /// The latest Tweedie estimate of the data.
    pub x0_hat: Tensor<2>,
}

/// The state of one reverse-diffusion run, advanced one move at a time so that a browser can
/// await a readback between moves. A move down in time is a sampler step followed by the
/// projection, if any; a move up in time (RePaint's resampling) re-noises x with the forward
/// process.
pub struct Trajectory {
    times: Vec<f64>,
    index: usize,
    x: Tensor<2>,
    x0_hat: Tensor<2>,
    noise: Noise,
    projection_noise: Noise,
}

impl Trajectory {
    /// Starts from the prior x_1 ~ N(0, prior_std^2 I) drawn from `seed`, projected if the parts
    /// have a projection. Runs with the same seed share their prior and sampler noise.
    pub fn new(parts: Parts, times: Vec<f64>, batch: usize, seed: u64, device: &Device) -> Self {
        assert!(
            times.len() >= 2,
            "a trajectory needs a start and an end time"
        );
        let mut projection_noise = Noise::new(seed, Stream::Projection);
        let mut x = Noise::new(seed, Stream::Prior)
            .normal(batch, parts.model.dim(), device)
            .mul_scalar(parts.schedule.prior_std());
        if let Some(p) = parts.projection {
            x = p.project(x, &parts.schedule.level(times[0]), &mut projection_noise);
        }
        Self {
            times,
            index: 0,
            x0_hat: x.zeros_like(),
            x,
            noise: Noise::new(seed, Stream::Sampler),
            projection_noise,
        }
    }

    pub fn x(&self) -> &Tensor<2> {
        &self.x
    }

    pub fn x0_hat(&self) -> &Tensor<2> {
        &self.x0_hat
    }

    pub fn t(&self) -> f64 {
        self.times[self.index]
    }

    /// Moves done so far.
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn moves_total(&self) -> usize {
        self.times.len() - 1
    }

    pub fn is_done(&self) -> bool {
        self.index + 1 >= self.times.len()
    }

    /// Makes the next move; `None` once the last time is reached.
    pub fn step(&mut self, parts: Parts) -> Option<Step> {
        if self.is_done() {
            return None;
        }
        let (from, to) = (self.times[self.index], self.times[self.index + 1]);
        let x = self.x.clone();
        self.x = if to < from {
            let moved =
                parts
                    .sampler
                    .step(parts.model, parts.schedule, from, to, x, &mut self.noise);
            self.x0_hat = moved.x0_hat;
            match parts.projection {
                Some(p) => p.project(
                    moved.x,
                    &parts.schedule.level(to),
                    &mut self.projection_noise,
                ),
                None => moved.x,
            }
        } else {
            let (a, b) = parts.schedule.transition(from, to);
            let [batch, dim] = x.dims();
            let z = self.projection_noise.normal(batch, dim, &x.device());
            x.mul_scalar(a) + z.mul_scalar(b)
        };
        self.index += 1;
        Some(Step {
            index: self.index,
            t: to,
            x: self.x.clone(),
            x0_hat: self.x0_hat.clone(),
        })
    }

    /// Runs to the end, calling `callback` after every move; returns x at the last time.
    pub fn run(mut self, parts: Parts, mut callback: impl FnMut(&Step)) -> Tensor<2> {
        while let Some(step) = self.step(parts) {
            callback(&step);
        }
        self.x
    }
}
