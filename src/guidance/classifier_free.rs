use crate::denoiser::{ConditionalDenoiser, Denoiser};
use crate::schedule::NoiseLevel;
use burn::tensor::Tensor;

/// Classifier-free guidance (Ho & Salimans 2021): eps(x, null) + w (eps(x, class) - eps(x, null)).
/// Ilin & Friesen's gamma ("Conditional Generative Diffusion with Langevin Dynamics") is w - 1;
/// the guidance scale s of AIOZ AI 2023 and the eta of Fan 2024 are w (docs/references.md).
pub struct ClassifierFree<'a> {
    pub model: &'a dyn ConditionalDenoiser,
    pub class: usize,
    pub w: f64,
}

impl Denoiser for ClassifierFree<'_> {
    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        // w = 0 and w = 1 need one model call, not two.
        if self.w == 0.0 {
            return self.model.eps_given(x, level, None);
        }
        if self.w == 1.0 {
            return self.model.eps_given(x, level, Some(self.class));
        }
        let [conditional, unconditional] =
            self.model.eps_given_and_unconditional(x, level, self.class);
        unconditional.clone() + (conditional - unconditional).mul_scalar(self.w)
    }
}
