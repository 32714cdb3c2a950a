use super::{EulerMaruyama, Moved, Sampler, score};
use crate::denoiser::Denoiser;
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;

/// Predictor–corrector (Song et al. 2021, Algorithm 5): an Euler–Maruyama predictor, then
/// Langevin corrector steps at the new time with step size 2 (snr |z| / |score|)^2.
///
/// The norms are averaged over the batch, as in the authors' code: per-sample norms blow the
/// step up for any sample that sits where the score is nearly zero, which in two dimensions
/// happens often enough to scatter samples far out.
pub struct PredictorCorrector {
    pub snr: f64,
    pub corrector_steps: usize,
}

impl Sampler for PredictorCorrector {
    fn step(
        &self,
        model: &dyn Denoiser,
        schedule: &dyn Schedule,
        from: f64,
        to: f64,
        x: Tensor<2>,
        noise: &mut Noise,
    ) -> Moved {
        let predicted = EulerMaruyama.step(model, schedule, from, to, x, noise);
        let level = schedule.level(to);
        let mut x = predicted.x;
        for _ in 0..self.corrector_steps {
            let s = score(model.eps(x.clone(), &level), level.sigma);
            let [batch, dim] = x.dims();
            let z = noise.normal(batch, dim, &x.device());
            let mean_norm = |v: Tensor<2>| v.square().sum_dim(1).sqrt().mean();
            let ratio =
                mean_norm(z.clone()).mul_scalar(self.snr) / mean_norm(s.clone()).add_scalar(1e-12);
            let step = ratio.square().mul_scalar(2.0).reshape([1, 1]);
            x = x + s * step.clone() + z * step.mul_scalar(2.0).sqrt();
        }
        Moved {
            x,
            x0_hat: predicted.x0_hat,
        }
    }
}
