use super::cep::EnergySettings;
use super::noise_in_groups;
use super::trainer::{Objective, Trainer};
use crate::denoiser::Denoiser;
use crate::network::TimeMlp;
use crate::schedule::Schedule;
use crate::tensor::from_rows;
use burn::tensor::{Device, Tensor, activation};

/// The intermediate force network of force-guided diffusion (the force-guided variant in Fan's
/// "Guided diffusion models", docs/energy.md): h_psi(x_t, t) regressed on
///   zeta(x_0, x_t) = grad log q_t(x_t) - grad log q(x_t | x_0)
/// with each pair weighted by exp(-beta E(x_0)), normalised over the batch (the text's Y). The
/// weighted regression's minimiser is E[w zeta | x_t] / E[w | x_t] = grad E_t(x_t), the intermediate
/// force. In eps units: sigma zeta = z - eps_q(x_t), of unit scale at every t where zeta itself
/// grows as 1 / sigma, so h_psi learns sigma grad E_t, the shift of eps that
/// [`crate::guidance::ForceGuidance`] adds. The score of q_t is the `base` model's.
pub type ForceTrainer = Trainer<Force>;

/// The objective of a [`ForceTrainer`]: the weighted regression above, against the score of
/// `base`.
pub struct Force {
    base: Box<dyn Denoiser>,
}

impl Objective for Force {
    type Model = TimeMlp;
    type Settings = EnergySettings;
}

impl Trainer<Force> {
    /// `model` (`dim` outputs) must live on `device.autodiff()`; `base` gives the score of q_t.
    pub fn new(
        model: TimeMlp,
        settings: EnergySettings,
        base: Box<dyn Denoiser>,
        device: &Device,
    ) -> Self {
        Self::with(model, settings, Force { base }, device)
    }

    /// One optimiser step on data rows (whole groups sharing a time); returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>]) -> f64 {
        let batch = x0.len();
        let x0 = from_rows(x0, &self.device);
        let weights = activation::softmax(
            self.settings
                .beta_energy(x0.clone())
                .reshape([1, batch])
                .neg(),
            1,
        )
        .reshape([batch, 1]);
        let noised = noise_in_groups(schedule, x0, self.settings.group, &mut self.state.noise);
        // One call of the base score per group: it answers one time at a time.
        let eps_q: Vec<Tensor<2>> = noised
            .x
            .clone()
            .chunk(noised.levels.len(), 0)
            .into_iter()
            .zip(&noised.levels)
            .map(|(rows, level)| self.objective.base.eps(rows, level))
            .collect();
        let target = (noised.z - Tensor::cat(eps_q, 0)).detach();
        let error = (self.state.model.forward(noised.x, noised.t) - target)
            .square()
            .sum_dim(1);
        self.state.descend((error * weights).sum())
    }
}
