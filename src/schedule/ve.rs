use super::Schedule;

/// The variance-exploding SDE: alpha = 1, sigma(t) = sigma_min (sigma_max / sigma_min)^t.
///
/// sigma(0) = sigma_min, not 0: the data is seen through a little noise even at t = 0.
#[derive(Debug, Clone, Copy)]
pub struct VarianceExploding {
    pub sigma_min: f64,
    pub sigma_max: f64,
}

impl Default for VarianceExploding {
    fn default() -> Self {
        // sigma_max of the order of the largest distance in the toy data sets (Song & Ermon 2020).
        Self {
            sigma_min: 0.01,
            sigma_max: 20.0,
        }
    }
}

impl Schedule for VarianceExploding {
    fn alpha(&self, _t: f64) -> f64 {
        1.0
    }

    fn sigma(&self, t: f64) -> f64 {
        self.sigma_min * (self.sigma_max / self.sigma_min).powf(t)
    }

    fn drift(&self, _t: f64) -> f64 {
        0.0
    }

    fn diffusion_sq(&self, t: f64) -> f64 {
        2.0 * self.sigma(t).powi(2) * (self.sigma_max / self.sigma_min).ln()
    }

    fn t_min(&self) -> f64 {
        0.0
    }
}
