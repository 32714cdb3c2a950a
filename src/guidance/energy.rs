use crate::denoiser::{Component, Denoiser, Gaussian, GaussianMixture};
use crate::linalg::{Matrix, NotPositiveDefinite};
use crate::schedule::NoiseLevel;
use crate::tensor;
use burn::tensor::{Device, Tensor, activation};

/// An energy on clean data; the target is p_0(x) proportional to q_0(x) exp(-beta E(x)).
pub trait Energy {
    /// E per row, [n, 1].
    fn energy(&self, x: Tensor<2>) -> Tensor<2>;
}

/// E(x) = 1/2 sum_i w_i (x_i - c_i)^2. Tilting a Gaussian mixture by it gives a Gaussian mixture
/// again, so the exact target is known and drawn beside the guided samples.
#[derive(Debug, Clone)]
pub struct QuadraticEnergy {
    pub center: Vec<f64>,
    pub weights: Vec<f64>,
}

impl Energy for QuadraticEnergy {
    fn energy(&self, x: Tensor<2>) -> Tensor<2> {
        let device = x.device();
        let d = x - tensor::row(&self.center, &device);
        (d.square() * tensor::row(&self.weights, &device))
            .sum_dim(1)
            .mul_scalar(0.5)
    }
}

impl QuadraticEnergy {
    fn precision(&self) -> Matrix {
        Matrix::from_fn(self.weights.len(), self.weights.len(), |i, j| {
            if i == j { self.weights[i] } else { 0.0 }
        })
    }

    /// The exact target q_0 exp(-beta E) / Z for a Gaussian-mixture q_0.
    pub fn tilt(
        &self,
        q0: &GaussianMixture,
        beta: f64,
    ) -> Result<GaussianMixture, NotPositiveDefinite> {
        let p = self.precision().scale(beta);
        let c = Matrix::column(&self.center);
        let mut components = Vec::new();
        let mut log_weights = Vec::new();
        for comp in q0.components() {
            let mu = Matrix::column(comp.gaussian.mean());
            let (sigma_inv, logdet_sigma) = comp.gaussian.cov().spd_inverse_logdet()?;
            let (cov, logdet_cov) = sigma_inv.add(&p).spd_inverse_logdet()?;
            let info = sigma_inv.matmul(&mu).add(&p.matmul(&c));
            let mean = cov.matmul(&info);
            // log of the integral of N(x; mu, Sigma) exp(-beta E(x)).
            let quad =
                |a: &Matrix, m: &Matrix, b: &Matrix| a.transpose().matmul(m).matmul(b)[(0, 0)];
            let log_z = -0.5 * (logdet_sigma - logdet_cov)
                - 0.5
                    * (quad(&mu, &sigma_inv, &mu) + quad(&c, &p, &c)
                        - quad(&mean, &cov.spd_inverse()?, &mean));
            log_weights.push(comp.weight.ln() + log_z);
            components.push(Component {
                weight: 0.0,
                label: comp.label,
                gaussian: Gaussian::new(mean.as_slice().to_vec(), cov.symmetrised()),
            });
        }
        let max = log_weights
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max);
        for (c, lw) in components.iter_mut().zip(log_weights) {
            c.weight = (lw - max).exp();
        }
        Ok(GaussianMixture::new(components))
    }
}

/// Energy guidance (Lu et al. 2023, "Contrastive Energy Prediction for Exact Energy-Guided
/// Diffusion Sampling in Offline Reinforcement Learning"): score_p = score_q - grad E_t with
/// E_t(x_t) = -log E_{q(x_0 | x_t)}[exp(-beta E(x_0))]. The expectation is estimated by
/// self-normalised importance weights over samples of q_0, whose weights under q(x_0 | x_t) are
/// proportional to N(x_t; alpha x_0, sigma^2 I); then
/// -grad E_t = alpha / sigma^2 (mean under the tilted weights - mean under the plain weights).
pub struct EnergyGuidance<'a> {
    model: &'a dyn Denoiser,
    /// Samples of q_0, [n, dim].
    data: Tensor<2>,
    /// |x_0|^2 / 2 per sample, [1, n].
    half_sq_norms: Tensor<2>,
    /// beta E per sample, [1, n].
    energies: Tensor<2>,
}

impl<'a> EnergyGuidance<'a> {
    pub fn new(
        model: &'a dyn Denoiser,
        energy: &dyn Energy,
        beta: f64,
        samples: &[Vec<f64>],
        device: &Device,
    ) -> Self {
        let n = samples.len();
        assert!(n > 0, "energy guidance needs samples of the data");
        assert!(
            samples.iter().all(|s| s.len() == model.dim()),
            "samples must have the model's dimension"
        );
        let data = tensor::from_rows(samples, device);
        let half_sq_norms = data
            .clone()
            .square()
            .sum_dim(1)
            .mul_scalar(0.5)
            .reshape([1, n]);
        let energies = energy.energy(data.clone()).mul_scalar(beta).reshape([1, n]);
        Self {
            model,
            data,
            half_sq_norms,
            energies,
        }
    }
}

impl Denoiser for EnergyGuidance<'_> {
    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let eps = self.model.eps(x.clone(), level);
        let (alpha, var) = (level.alpha, level.sigma * level.sigma);
        // log N(x_t; alpha x_0i, sigma^2 I) up to terms constant in i.
        let log_q = (x.matmul(self.data.clone().transpose()).mul_scalar(alpha)
            - self.half_sq_norms.clone().mul_scalar(alpha * alpha))
        .div_scalar(var);
        let log_p = log_q.clone() - self.energies.clone();
        let mean_q = activation::softmax(log_q, 1).matmul(self.data.clone());
        let mean_p = activation::softmax(log_p, 1).matmul(self.data.clone());
        eps - (mean_p - mean_q).mul_scalar(alpha / level.sigma)
    }
}
