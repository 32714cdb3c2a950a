use super::Schedule;
use std::f64::consts::FRAC_PI_2;

/// The cosine schedule of Nichol & Dhariwal 2021 in continuous time, variance preserving.
///
/// Its alpha reaches exactly 0 at the end, where x0_hat = (x - sigma eps) / alpha and the drift
/// are undefined; so time 1 is mapped to the angle where alpha = `alpha_end` instead.
#[derive(Debug, Clone, Copy)]
pub struct Cosine {
    phi0: f64,
    phi1: f64,
}

impl Cosine {
    pub fn new(offset: f64, alpha_end: f64) -> Self {
        let phi0 = offset / (1.0 + offset) * FRAC_PI_2;
        let phi1 = (alpha_end * phi0.cos()).acos();
        Self { phi0, phi1 }
    }

    fn phi(&self, t: f64) -> f64 {
        self.phi0 + t * (self.phi1 - self.phi0)
    }
}

impl Default for Cosine {
    fn default() -> Self {
        // alpha_end matches the VP-linear alpha(1), so both start from the same prior.
        Self::new(0.008, 6.4e-3)
    }
}

impl Schedule for Cosine {
    fn alpha(&self, t: f64) -> f64 {
        self.phi(t).cos() / self.phi0.cos()
    }

    fn sigma(&self, t: f64) -> f64 {
        (1.0 - self.alpha(t).powi(2)).max(0.0).sqrt()
    }

    fn drift(&self, t: f64) -> f64 {
        -self.phi(t).tan() * (self.phi1 - self.phi0)
    }

    fn diffusion_sq(&self, t: f64) -> f64 {
        // Variance preserving: d sigma^2/dt = -2 f alpha^2, so g^2 = -2 f (alpha^2 + sigma^2) = -2 f.
        -2.0 * self.drift(t)
    }
}
