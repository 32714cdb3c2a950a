use super::noise_in_groups;
use super::trainer::{Objective, OptimiserSettings, Trainer, TrainerSettings};
use crate::guidance::{Energy, QuadraticEnergy};
use crate::network::TimeMlp;
use crate::schedule::Schedule;
use crate::tensor::from_rows;
use burn::tensor::{Tensor, activation};

/// The knobs of an intermediate-energy or intermediate-force run, the energy included: the
/// networks learn E_t of one target q_0 exp(-beta E) with E(x) = |x - center|^2 / 2, the 2D
/// lab's energy. A checkpoint records them and a resume must match them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EnergySettings {
    #[serde(flatten)]
    pub optimiser: OptimiserSettings,
    pub beta: f64,
    pub center: Vec<f64>,
    /// Rows that share one time: K, the contrastive group of energy prediction.
    pub group: usize,
}

impl TrainerSettings for EnergySettings {
    fn optimiser(&mut self) -> &mut OptimiserSettings {
        &mut self.optimiser
    }
}

impl EnergySettings {
    pub fn energy(&self) -> QuadraticEnergy {
        QuadraticEnergy {
            center: self.center.clone(),
            weights: vec![1.0; self.center.len()],
        }
    }

    /// beta E(x_0) per row, [batch, 1].
    pub(super) fn beta_energy(&self, x0: Tensor<2>) -> Tensor<2> {
        self.energy().energy(x0).mul_scalar(self.beta)
    }
}

/// Contrastive energy prediction (Lu et al. 2023, "Contrastive Energy Prediction for Exact
/// Energy-Guided Diffusion Sampling in Offline Reinforcement Learning"): K data points x_0^(i),
/// noised at one shared t, and the loss
///   -sum_i softmax_i(-beta E(x_0^(j))) log softmax_i(-f_phi(x_t^(j), t)),
/// a cross-entropy between the energy's weights and the network's. Its minimiser has
/// exp(-f_phi(x_t, t)) proportional to E_{q(x_0 | x_t)}[exp(-beta E(x_0))] at every t, so f_phi is
/// the intermediate energy E_t up to a constant and its gradient is exactly what energy guidance
/// needs ([`crate::guidance::TrainedEnergyGuidance`]). A batch is whole groups of K.
pub type CepTrainer = Trainer<Cep>;

/// The objective of a [`CepTrainer`].
#[derive(Default)]
pub struct Cep;

impl Objective for Cep {
    type Model = TimeMlp;
    type Settings = EnergySettings;
}

impl Trainer<Cep> {
    /// One optimiser step on data rows (whole groups of K); returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>]) -> f64 {
        let k = self.settings.group;
        let groups = x0.len() / k;
        let x0 = from_rows(x0, &self.device);
        let weights = activation::softmax(
            self.settings
                .beta_energy(x0.clone())
                .reshape([groups, k])
                .neg(),
            1,
        );
        let noised = noise_in_groups(schedule, x0, k, &mut self.state.noise);
        let f = self
            .state
            .model
            .forward(noised.x, noised.t)
            .reshape([groups, k]);
        let loss = (weights * activation::log_softmax(f.neg(), 1))
            .sum_dim(1)
            .mean()
            .neg();
        self.state.descend(loss)
    }
}
