//! What conditioning observes: y = A x_0 (+ noise), through a Gaussian or Bernoulli likelihood.

use crate::linalg::Matrix;
use burn::tensor::{Tensor, activation};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Likelihood {
    /// y ~ N(A x, std^2 I). std = 0 is an exact observation.
    Gaussian { std: f64 },
    /// y in {0, 1}, P(y = 1) = sigmoid(A x): a classification of function values.
    Bernoulli,
}

#[derive(Debug, Clone)]
pub struct LinearObservation {
    pub a: Matrix,
    pub y: Vec<f64>,
    pub likelihood: Likelihood,
}

impl LinearObservation {
    /// Observes coordinates `indices` of a `dim`-dimensional x with values `y`.
    pub fn coordinates(dim: usize, indices: &[usize], y: Vec<f64>, likelihood: Likelihood) -> Self {
        assert_eq!(indices.len(), y.len(), "one value per observed coordinate");
        assert!(
            indices.iter().all(|&i| i < dim),
            "observed coordinate out of range"
        );
        let a = Matrix::from_fn(indices.len(), dim, |r, c| {
            f64::from(u8::from(indices[r] == c))
        });
        Self { a, y, likelihood }
    }

    /// The observed coordinates as a mask for the replacement method, if A selects coordinates
    /// and the values are exact.
    pub fn as_coordinates(&self) -> Option<Vec<Option<f64>>> {
        if self.likelihood != (Likelihood::Gaussian { std: 0.0 }) {
            return None;
        }
        let mut observed = vec![None; self.a.cols()];
        for r in 0..self.a.rows() {
            let row: Vec<f64> = (0..self.a.cols()).map(|c| self.a[(r, c)]).collect();
            let ones: Vec<usize> = (0..row.len()).filter(|&c| row[c] == 1.0).collect();
            if ones.len() != 1 || row.iter().filter(|&&v| v != 0.0).count() != 1 {
                return None;
            }
            observed[ones[0]] = Some(self.y[r]);
        }
        Some(observed)
    }
}

/// What reconstruction guidance needs of an observation: its log-likelihood, differentiable in x.
pub trait Observation {
    /// log p(y | x) per sample, [batch, 1], up to a constant; `extra_var` widens a Gaussian
    /// likelihood (reconstruction guidance uses it for the uncertainty of x0_hat).
    fn log_likelihood(&self, x: Tensor<2>, extra_var: f64) -> Tensor<2>;
}

impl Observation for LinearObservation {
    fn log_likelihood(&self, x: Tensor<2>, extra_var: f64) -> Tensor<2> {
        let device = x.device();
        let f = x.matmul(crate::tensor::matrix(&self.a.transpose(), &device));
        let y = crate::tensor::row(&self.y, &device);
        match self.likelihood {
            Likelihood::Gaussian { std } => {
                let var = std * std + extra_var;
                (f - y).square().sum_dim(1).div_scalar(-2.0 * var)
            }
            Likelihood::Bernoulli => {
                // y log sigmoid(f) + (1 - y) log sigmoid(-f)
                let pos = activation::log_sigmoid(f.clone()) * y.clone();
                let neg = activation::log_sigmoid(f.neg()) * (y.ones_like() - y);
                (pos + neg).sum_dim(1)
            }
        }
    }
}
