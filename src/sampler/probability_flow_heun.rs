use super::probability_flow::velocity;
use super::{Moved, Sampler};
use crate::denoiser::{Denoiser, x0_hat};
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;

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
