use super::{Moved, Sampler, score};
use crate::denoiser::{Denoiser, x0_hat};
use crate::noise::Noise;
use crate::schedule::{NoiseLevel, Schedule};
use burn::tensor::Tensor;

/// dx/dt of the probability-flow ODE, f x - g^2 score / 2, and the eps it used.
fn velocity(
    model: &dyn Denoiser,
    schedule: &dyn Schedule,
    t: f64,
    x: Tensor<2>,
) -> (Tensor<2>, Tensor<2>, NoiseLevel) {
    let level = schedule.level(t);
    let eps = model.eps(x.clone(), &level);
    let v = x.mul_scalar(schedule.drift(t))
        - score(eps.clone(), level.sigma).mul_scalar(0.5 * schedule.diffusion_sq(t));
    (v, eps, level)
}

/// The probability-flow ODE by Euler's method: deterministic, first order.
pub struct ProbabilityFlowEuler;

impl Sampler for ProbabilityFlowEuler {
    fn step(
        &self,
        model: &dyn Denoiser,
        schedule: &dyn Schedule,
        from: f64,
        to: f64,
        x: Tensor<2>,
        _noise: &mut Noise,
    ) -> Moved {
        let (v, eps, level) = velocity(model, schedule, from, x.clone());
        let next = x.clone() - v.mul_scalar(from - to);
        Moved {
            x: next,
            x0_hat: x0_hat(x, eps, &level),
        }
    }
}

/// The probability-flow ODE by Heun's method (trapezoidal corrector): second order, two model
/// calls a step.
pub struct ProbabilityFlowHeun;

impl Sampler for ProbabilityFlowHeun {
    fn step(
        &self,
        model: &dyn Denoiser,
        schedule: &dyn Schedule,
        from: f64,
        to: f64,
        x: Tensor<2>,
        _noise: &mut Noise,
    ) -> Moved {
        let h = from - to;
        let (v, eps, level) = velocity(model, schedule, from, x.clone());
        let euler = x.clone() - v.clone().mul_scalar(h);
        let (v_next, _, _) = velocity(model, schedule, to, euler);
        let next = x.clone() - (v + v_next).mul_scalar(0.5 * h);
        Moved {
            x: next,
            x0_hat: x0_hat(x, eps, &level),
        }
    }
}
