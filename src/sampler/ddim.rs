use super::{Moved, Sampler};
use crate::denoiser::{Denoiser, x0_hat};
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;

/// DDIM (Song, Meng & Ermon 2021): x_to = alpha_to x0_hat + sqrt(sigma_to^2 - s^2) eps + s z.
///
/// eta = 0 is deterministic; eta = 1 has the variance of the DDPM posterior q(x_to | x_from, x_0).
/// Written with the schedule's alpha and sigma, so it also runs on VE and cosine schedules.
pub struct Ddim {
    pub eta: f64,
}

impl Sampler for Ddim {
    fn step(
        &self,
        model: &dyn Denoiser,
        schedule: &dyn Schedule,
        from: f64,
        to: f64,
        x: Tensor<2>,
        noise: &mut Noise,
    ) -> Moved {
        let level = schedule.level(from);
        let next_level = schedule.level(to);
        let eps = model.eps(x.clone(), &level);
        let x0 = x0_hat(x.clone(), eps.clone(), &level);
        // Variance of x_to given x_from and x_0 under the forward process.
        let ratio = level.alpha / next_level.alpha;
        let posterior_var = (next_level.sigma / level.sigma).powi(2)
            * (level.sigma.powi(2) - (ratio * next_level.sigma).powi(2)).max(0.0);
        let s2 = self.eta * self.eta * posterior_var;
        let direction = (next_level.sigma.powi(2) - s2).max(0.0).sqrt();
        let mut next = x0.clone().mul_scalar(next_level.alpha) + eps.mul_scalar(direction);
        if s2 > 0.0 {
            let [batch, dim] = x.dims();
            next = next + noise.normal(batch, dim, &x.device()).mul_scalar(s2.sqrt());
        }
        Moved {
            x: next,
            x0_hat: x0,
        }
    }
}
