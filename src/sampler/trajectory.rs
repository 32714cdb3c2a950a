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

/// One reverse-diffusion run, advanced one move at a time so that a browser can await a readback
/// between moves. A move down in time is a sampler step followed by the projection, if any; a move
/// up in time (RePaint's resampling) re-noises x with the forward process.
pub struct Trajectory<'a> {
    model: &'a dyn Denoiser,
    sampler: &'a dyn Sampler,
    schedule: &'a dyn Schedule,
    projection: Option<&'a dyn Projection>,
    times: Vec<f64>,
    index: usize,
    x: Tensor<2>,
    x0_hat: Tensor<2>,
    noise: Noise,
    projection_noise: Noise,
}

impl<'a> Trajectory<'a> {
    /// Starts from the prior x_1 ~ N(0, prior_std^2 I), drawn from `seed`.
    pub fn new(
        model: &'a dyn Denoiser,
        sampler: &'a dyn Sampler,
        schedule: &'a dyn Schedule,
        times: Vec<f64>,
        batch: usize,
        seed: u64,
        device: &Device,
    ) -> Self {
        assert!(
            times.len() >= 2,
            "a trajectory needs a start and an end time"
        );
        let x = Noise::new(seed, Stream::Prior)
            .normal(batch, model.dim(), device)
            .mul_scalar(schedule.prior_std());
        Self {
            model,
            sampler,
            schedule,
            projection: None,
            times,
            index: 0,
            x0_hat: x.zeros_like(),
            x,
            noise: Noise::new(seed, Stream::Sampler),
            projection_noise: Noise::new(seed, Stream::Projection),
        }
    }

    /// Applies `projection` to the start and after every move down.
    pub fn with_projection(mut self, projection: &'a dyn Projection) -> Self {
        let level = self.schedule.level(self.times[0]);
        self.x = projection.project(self.x, &level, &mut self.projection_noise);
        self.projection = Some(projection);
        self
    }

    pub fn x(&self) -> &Tensor<2> {
        &self.x
    }

    pub fn t(&self) -> f64 {
        self.times[self.index]
    }

    pub fn moves_total(&self) -> usize {
        self.times.len() - 1
    }

    pub fn is_done(&self) -> bool {
        self.index + 1 >= self.times.len()
    }

    /// Makes the next move; `None` once the last time is reached.
    pub fn step(&mut self) -> Option<Step> {
        if self.is_done() {
            return None;
        }
        let (from, to) = (self.times[self.index], self.times[self.index + 1]);
        let x = self.x.clone();
        self.x = if to < from {
            let moved = self
                .sampler
                .step(self.model, self.schedule, from, to, x, &mut self.noise);
            self.x0_hat = moved.x0_hat;
            match self.projection {
                Some(p) => p.project(
                    moved.x,
                    &self.schedule.level(to),
                    &mut self.projection_noise,
                ),
                None => moved.x,
            }
        } else {
            let (a, b) = self.schedule.transition(from, to);
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
    pub fn run(mut self, mut callback: impl FnMut(&Step)) -> Tensor<2> {
        while let Some(step) = self.step() {
            callback(&step);
        }
        self.x
    }
}
