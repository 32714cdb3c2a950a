use super::Schedule;

/// The variance-preserving SDE of Song et al. 2021 with a linear beta(t).
#[derive(Debug, Clone, Copy)]
pub struct VpLinear {
    pub beta_min: f64,
    pub beta_max: f64,
}

impl Default for VpLinear {
    fn default() -> Self {
        Self {
            beta_min: 0.1,
            beta_max: 20.0,
        }
    }
}

impl VpLinear {
    pub fn beta(&self, t: f64) -> f64 {
        self.beta_min + t * (self.beta_max - self.beta_min)
    }

    /// int_0^t beta(s) ds
    fn integral(&self, t: f64) -> f64 {
        self.beta_min * t + 0.5 * t * t * (self.beta_max - self.beta_min)
    }
}

impl Schedule for VpLinear {
    fn alpha(&self, t: f64) -> f64 {
        (-0.5 * self.integral(t)).exp()
    }

    fn sigma(&self, t: f64) -> f64 {
        // expm1 keeps sigma accurate near t = 0, where 1 - alpha^2 cancels.
        (-(-self.integral(t)).exp_m1()).sqrt()
    }

    fn drift(&self, t: f64) -> f64 {
        -0.5 * self.beta(t)
    }

    fn diffusion_sq(&self, t: f64) -> f64 {
        self.beta(t)
    }
}
