//! Conditioning as score transforms: each wraps a model into a guided [`Denoiser`], so every
//! sampler runs every method. One method a file.
//!
//! Guidance scale w (docs/architecture.md): eps_w = eps(x, null) + w (eps(x, c) - eps(x, null));
//! w = 0 is unconditional, w = 1 conditional, w > 1 amplified, w < 0 anti-conditional.

mod classifier;
mod classifier_free;
mod energy;
mod exact_posterior;
mod force;
mod motif;
mod reconstruction;
mod trained_energy;

pub use classifier::{ClassifierGuidance, NoisyClassifier};
pub use classifier_free::ClassifierFree;
pub use energy::{Energy, EnergyGuidance, QuadraticEnergy};
pub use exact_posterior::{ExactPosteriorError, gaussian_posterior, mixture_posterior};
pub use force::ForceGuidance;
pub use motif::{Motif, MotifObservation, motif_posterior};
pub use reconstruction::ReconstructionGuidance;
pub use trained_energy::TrainedEnergyGuidance;

use burn::tensor::Tensor;

/// d/dx of sum_batch f(x): each row of f depends only on its own row of x, so this is the
/// per-sample gradient. Runs f with burn autodiff on a detached copy of x.
fn gradient(x: Tensor<2>, f: impl FnOnce(Tensor<2>) -> Tensor<2>) -> Tensor<2> {
    gradient_with(x, |x| (f(x.clone()), x)).0
}

/// [`gradient`] that also hands back a by-product of the forward pass (without autodiff), so a
/// guidance method that needs both eps and its gradient calls the model once.
fn gradient_with(
    x: Tensor<2>,
    f: impl FnOnce(Tensor<2>) -> (Tensor<2>, Tensor<2>),
) -> (Tensor<2>, Tensor<2>) {
    let leaf = x.detach().autodiff().require_grad();
    let (out, by_product) = f(leaf.clone());
    let grads = out.sum().backward();
    let grad = leaf
        .grad(&grads)
        .expect("x requires grad, so backward gives its gradient");
    (grad, by_product.detach().without_autodiff())
}
