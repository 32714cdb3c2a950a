use super::Denoiser;
use crate::linalg::{Matrix, NotPositiveDefinite};
use crate::noise::Noise;
use crate::schedule::NoiseLevel;
use crate::tensor;
use burn::tensor::Tensor;

/// Data distributed as N(mean, cov): the score is exact at every t, because
/// x_t ~ N(alpha mean, alpha^2 cov + sigma^2 I).
#[derive(Debug, Clone)]
pub struct Gaussian {
    mean: Vec<f64>,
    cov: Matrix,
}

impl Gaussian {
    /// `cov` may be singular (an exact observation pins a coordinate); it must be symmetric
    /// positive semi-definite, which the first `eps` call at a noise level > 0 checks.
    pub fn new(mean: Vec<f64>, cov: Matrix) -> Self {
        assert_eq!(
            cov.rows(),
            mean.len(),
            "mean and covariance disagree on dimension"
        );
        assert_eq!(cov.cols(), mean.len(), "covariance must be square");
        Self { mean, cov }
    }

    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    pub fn cov(&self) -> &Matrix {
        &self.cov
    }

    /// Covariance of x_t: alpha^2 cov + sigma^2 I.
    pub fn marginal_cov(&self, level: &NoiseLevel) -> Matrix {
        self.cov
            .scale(level.alpha * level.alpha)
            .add_diagonal(level.sigma * level.sigma)
    }

    /// eps = sigma C^-1 (x - alpha mean) with C the marginal covariance. Returned as
    /// (sigma C^-1, alpha mean) so callers batch it as one matmul.
    fn eps_parts(&self, level: &NoiseLevel) -> Result<(Matrix, Vec<f64>), NotPositiveDefinite> {
        let precision = self.marginal_cov(level).spd_inverse()?;
        let shift = self.mean.iter().map(|m| level.alpha * m).collect();
        Ok((precision.scale(level.sigma), shift))
    }

    /// Exact samples of x_0, for training data and reference statistics.
    pub fn sample(
        &self,
        n: usize,
        noise: &mut Noise,
    ) -> Result<Vec<Vec<f64>>, NotPositiveDefinite> {
        // A tiny jitter lets the Cholesky factor exist for singular (pinned) covariances.
        let l = self.cov.add_diagonal(1e-12).cholesky()?;
        let d = self.mean.len();
        Ok((0..n)
            .map(|_| {
                let z = noise.normal_vec(d);
                (0..d)
                    .map(|i| self.mean[i] + (0..=i).map(|k| l[(i, k)] * z[k] as f64).sum::<f64>())
                    .collect()
            })
            .collect())
    }
}

impl Denoiser for Gaussian {
    fn dim(&self) -> usize {
        self.mean.len()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let device = x.device();
        let (scaled_precision, shift) = self.eps_parts(level).expect(
            "marginal covariance alpha^2 cov + sigma^2 I is positive definite for sigma > 0",
        );
        // The precision is symmetric, so the row-vector product needs no transpose.
        (x - tensor::row(&shift, &device)).matmul(tensor::matrix(&scaled_precision, &device))
    }
}
