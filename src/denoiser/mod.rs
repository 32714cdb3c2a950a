//! Denoisers: given x_t and the noise level, which way is back.
//!
//! Every denoiser predicts eps, the noise in x_t = alpha x_0 + sigma eps; the score is
//! -eps / sigma and Tweedie's estimate of the data is x0_hat = (x_t - sigma eps) / alpha.
//! Samplers only ever see [`Denoiser`]. Models that take a class label implement
//! [`ConditionalDenoiser`]; a guidance method (`crate::guidance`) turns one into a [`Denoiser`].
//!
//! State is always a [batch, dim] tensor: a network for images reshapes inside.

mod gaussian;
mod gaussian_process;
mod mixture;

pub use gaussian::Gaussian;
pub use gaussian_process::GaussianProcess;
pub use mixture::{Component, GaussianMixture};

use crate::schedule::NoiseLevel;
use burn::tensor::Tensor;

pub trait Denoiser {
    /// Dimension of one sample.
    fn dim(&self) -> usize;
    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2>;
}

/// A model trained (or built) with class labels; `None` is the null label of classifier-free
/// guidance, i.e. the unconditional model.
pub trait ConditionalDenoiser {
    fn dim(&self) -> usize;
    fn num_classes(&self) -> usize;
    fn eps_given(&self, x: Tensor<2>, level: &NoiseLevel, label: Option<usize>) -> Tensor<2>;

    /// `[eps given label, eps given no label]`, as classifier-free guidance needs them. Networks
    /// answer both in one forward pass over a doubled batch: half the kernel launches, which is
    /// what a GPU step costs at the playground's batch sizes.
    fn eps_given_and_unconditional(
        &self,
        x: Tensor<2>,
        level: &NoiseLevel,
        label: usize,
    ) -> [Tensor<2>; 2] {
        [
            self.eps_given(x.clone(), level, Some(label)),
            self.eps_given(x, level, None),
        ]
    }
}

/// Tweedie's denoised estimate, the "prediction of the final image".
pub fn x0_hat(x: Tensor<2>, eps: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
    (x - eps.mul_scalar(level.sigma)).div_scalar(level.alpha)
}

/// A conditional model with its label fixed: the plain class-conditional (or, with `None`,
/// unconditional) sampler input.
pub struct WithLabel<'a> {
    pub model: &'a dyn ConditionalDenoiser,
    pub label: Option<usize>,
}

impl Denoiser for WithLabel<'_> {
    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        self.model.eps_given(x, level, self.label)
    }
}
