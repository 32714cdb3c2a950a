use super::gradient;
use crate::denoiser::Denoiser;
use crate::network::TimeMlp;
use crate::schedule::NoiseLevel;
use burn::tensor::Tensor;

/// Energy guidance with a trained intermediate energy (Lu et al. 2023, "Contrastive Energy
/// Prediction for Exact Energy-Guided Diffusion Sampling in Offline Reinforcement Learning"):
/// f_phi(x_t, t), trained by contrastive energy prediction (`crate::training::CepTrainer`),
/// equals E_t(x_t) = -log E_{q(x_0 | x_t)}[exp(-beta E(x_0))] up to a constant in x, so
/// score_p = score_q - grad f_phi, the gradient taken by burn's autodiff. Where
/// [`super::EnergyGuidance`] averages over data samples at every step, this reads one network.
pub struct TrainedEnergyGuidance<'a> {
    pub model: &'a dyn Denoiser,
    /// f_phi, one output.
    pub energy: &'a TimeMlp,
}

impl Denoiser for TrainedEnergyGuidance<'_> {
    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let eps = self.model.eps(x.clone(), level);
        let grad = gradient(x, |x| self.energy.at(x, level.t));
        // score -= grad E_t and eps = -sigma * score.
        eps + grad.mul_scalar(level.sigma)
    }
}
