//! The probability-flow ODE (Song et al. 2021, "Score-Based Generative Modeling through Stochastic
//! Differential Equations"): the deterministic process with the same marginals as the forward
//! SDE. Its samplers, [`super::ProbabilityFlowEuler`] and [`super::ProbabilityFlowHeun`], differ
//! only in how they integrate it.

use super::score;
use crate::denoiser::Denoiser;
use crate::schedule::{NoiseLevel, Schedule};
use burn::tensor::Tensor;

/// dx/dt of the probability-flow ODE, f x - g^2 score / 2, and the eps it used.
pub(super) fn velocity(
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
