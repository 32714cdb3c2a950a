use crate::denoiser::Denoiser;
use crate::network::TimeMlp;
use crate::schedule::NoiseLevel;
use burn::tensor::Tensor;

/// Force guidance: energy guidance whose intermediate force grad E_t is itself a network
/// h_psi(x_t, t) (`crate::training::ForceTrainer`), after the force-guided variant of Fan's
/// "Guided diffusion models" (docs/energy.md): no gradient to take while sampling. The network
/// answers in eps units, sigma grad E_t, which is the shift of eps itself.
pub struct ForceGuidance<'a> {
    pub model: &'a dyn Denoiser,
    /// h_psi, `dim` outputs.
    pub force: &'a TimeMlp,
}

impl Denoiser for ForceGuidance<'_> {
    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        // score -= grad E_t, eps = -sigma * score: eps += sigma grad E_t, what h_psi predicts.
        self.model.eps(x.clone(), level) + self.force.at(x, level.t)
    }
}
