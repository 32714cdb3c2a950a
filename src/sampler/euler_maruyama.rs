use super::{Moved, Sampler, score};
use crate::denoiser::{Denoiser, x0_hat};
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;

/// The reverse SDE dx = [f x - g^2 score] dt + g dW, discretised by Euler–Maruyama.
pub struct EulerMaruyama;

impl Sampler for EulerMaruyama {
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
        let eps = model.eps(x.clone(), &level);
        let h = from - to;
        let g2 = schedule.diffusion_sq(from);
        let drift = x.clone().mul_scalar(schedule.drift(from))
            - score(eps.clone(), level.sigma).mul_scalar(g2);
        let [batch, dim] = x.dims();
        let z = noise.normal(batch, dim, &x.device());
        let next = x.clone() - drift.mul_scalar(h) + z.mul_scalar((g2 * h).sqrt());
        Moved {
            x: next,
            x0_hat: x0_hat(x, eps, &level),
        }
    }
}
