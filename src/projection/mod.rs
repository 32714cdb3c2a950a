//! State projections: act on x after every sampler step, whatever the sampler.
//!
//! Replacement inpainting is one; RePaint adds a time sequence that jumps back up in noise
//! (`repaint_times`), which [`crate::sampler::Trajectory`] follows.

mod repaint;
mod replacement;

pub use repaint::repaint_times;
pub use replacement::Replacement;

use crate::noise::Noise;
use crate::schedule::NoiseLevel;
use burn::tensor::Tensor;

pub trait Projection {
    /// x has just reached `level`.
    fn project(&self, x: Tensor<2>, level: &NoiseLevel, noise: &mut Noise) -> Tensor<2>;
}
