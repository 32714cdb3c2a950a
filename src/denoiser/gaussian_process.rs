use super::Gaussian;
use crate::linalg::Matrix;

/// A zero-mean Gaussian process with an RBF kernel, observed on a 1D grid: as data for a
/// diffusion model it is a Gaussian in as many dimensions as the grid has points, so its score
/// is exact and conditioning it on points is a closed-form posterior.
#[derive(Debug, Clone)]
pub struct GaussianProcess {
    pub grid: Vec<f64>,
    pub lengthscale: f64,
    pub variance: f64,
    /// Added to the diagonal: RBF Gram matrices on dense grids are numerically singular.
    pub jitter: f64,
}

impl GaussianProcess {
    /// `points` evenly spaced on [lo, hi].
    pub fn on_grid(lo: f64, hi: f64, points: usize, lengthscale: f64, variance: f64) -> Self {
        assert!(
            points >= 2 && hi > lo,
            "a grid needs two points and hi > lo"
        );
        let grid = (0..points)
            .map(|i| lo + (hi - lo) * i as f64 / (points - 1) as f64)
            .collect();
        Self {
            grid,
            lengthscale,
            variance,
            jitter: 1e-4 * variance,
        }
    }

    pub fn kernel(&self, a: f64, b: f64) -> f64 {
        self.variance * (-0.5 * ((a - b) / self.lengthscale).powi(2)).exp()
    }

    pub fn covariance(&self) -> Matrix {
        let n = self.grid.len();
        Matrix::from_fn(n, n, |i, j| self.kernel(self.grid[i], self.grid[j]))
            .add_diagonal(self.jitter)
    }

    /// Index of the grid point nearest to `x`.
    pub fn nearest(&self, x: f64) -> usize {
        let mut best = 0;
        for (i, g) in self.grid.iter().enumerate() {
            if (g - x).abs() < (self.grid[best] - x).abs() {
                best = i;
            }
        }
        best
    }

    /// The prior over function values on the grid, as a closed-form denoiser.
    pub fn prior(&self) -> Gaussian {
        Gaussian::new(vec![0.0; self.grid.len()], self.covariance())
    }
}
