use super::probability_flow::velocity;
use super::{Moved, Sampler};
use crate::denoiser::{Denoiser, x0_hat};
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;

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
