//! Noise schedules: how data is blurred into noise, x_t = alpha(t) x_0 + sigma(t) z.
//!
//! Time runs in [t_min, 1]: data at t = 0, noise at t = 1. A schedule also gives the drift f and
//! diffusion g of the forward SDE dx = f(t) x dt + g(t) dW, which the SDE and ODE samplers need.
//! Each schedule is one file and a variant of [`ScheduleKind`], the catalogue the labs and the
//! page pick from.

mod cosine;
mod ve;
mod vp_linear;

pub use cosine::Cosine;
pub use ve::VarianceExploding;
pub use vp_linear::VpLinear;

use crate::choice;
use serde::{Deserialize, Serialize};

/// The quantities a denoiser needs about the current time: the network reads `t`, closed-form
/// scores and Tweedie's formula read `alpha` and `sigma`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseLevel {
    pub t: f64,
    pub alpha: f64,
    pub sigma: f64,
}

pub trait Schedule: Send + Sync {
    fn alpha(&self, t: f64) -> f64;
    fn sigma(&self, t: f64) -> f64;
    /// f(t) in dx = f(t) x dt + g(t) dW.
    fn drift(&self, t: f64) -> f64;
    /// g(t)^2 in dx = f(t) x dt + g(t) dW.
    fn diffusion_sq(&self, t: f64) -> f64;

    /// Where sampling stops: the score blows up as t -> 0.
    fn t_min(&self) -> f64 {
        1e-3
    }

    fn level(&self, t: f64) -> NoiseLevel {
        NoiseLevel {
            t,
            alpha: self.alpha(t),
            sigma: self.sigma(t),
        }
    }

    /// Standard deviation of the prior x_1 ~ N(0, s^2 I) for data of unit scale.
    fn prior_std(&self) -> f64 {
        let (a, s) = (self.alpha(1.0), self.sigma(1.0));
        (a * a + s * s).sqrt()
    }

    /// Coefficients (a, b) of the forward transition x_to = a x_from + b z for to > from, used when
    /// a sampler jumps back up in noise (RePaint).
    fn transition(&self, from: f64, to: f64) -> (f64, f64) {
        let a = self.alpha(to) / self.alpha(from);
        let var = self.sigma(to).powi(2) - (a * self.sigma(from)).powi(2);
        (a, var.max(0.0).sqrt())
    }
}

/// Every schedule, by the name the page and the URL use, in the order the page lists them. A new
/// schedule is a variant here with its arms in [`ScheduleKind::build`] and [`ScheduleKind::label`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum ScheduleKind {
    /// Also read as "vp-linear", the name settings could give it before the catalogue.
    #[serde(alias = "vp-linear")]
    Vp,
    Cosine,
    Ve,
}

crate::choice!(ScheduleKind, "schedule");

/// What the page shows of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Entry {
    pub name: ScheduleKind,
    pub label: &'static str,
}

impl ScheduleKind {
    pub fn build(self) -> Box<dyn Schedule> {
        match self {
            Self::Vp => Box::new(VpLinear::default()),
            Self::Cosine => Box::new(Cosine::default()),
            Self::Ve => Box::new(VarianceExploding::default()),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Vp => "VP, linear β",
            Self::Cosine => "cosine",
            Self::Ve => "VE",
        }
    }
}

/// Every schedule as the page lists it.
pub fn catalogue() -> Vec<Entry> {
    choice::all::<ScheduleKind>()
        .into_iter()
        .map(|name| Entry {
            name,
            label: name.label(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f and g^2 must be the ones that produce alpha and sigma: d log alpha / dt = f and
    /// d sigma^2 / dt = 2 f sigma^2 + g^2. Checked by finite differences for every schedule.
    #[test]
    fn drift_and_diffusion_match_alpha_and_sigma() {
        for name in choice::all::<ScheduleKind>() {
            let s = name.build();
            for &t in &[0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
                let h = 1e-6;
                let dlog_alpha = (s.alpha(t + h).ln() - s.alpha(t - h).ln()) / (2.0 * h);
                let dvar = (s.sigma(t + h).powi(2) - s.sigma(t - h).powi(2)) / (2.0 * h);
                let f = s.drift(t);
                let g2 = s.diffusion_sq(t);
                assert!(
                    (dlog_alpha - f).abs() < 1e-5 * (1.0 + f.abs()),
                    "{name:?} f at {t}"
                );
                let want = 2.0 * f * s.sigma(t).powi(2) + g2;
                assert!(
                    (dvar - want).abs() < 1e-5 * (1.0 + want.abs()),
                    "{name:?} g at {t}"
                );
            }
        }
    }

    #[test]
    fn data_at_zero_noise_at_one() {
        for name in [ScheduleKind::Vp, ScheduleKind::Cosine] {
            let s = name.build();
            assert!(
                (s.alpha(0.0) - 1.0).abs() < 1e-12 && s.sigma(0.0) < 1e-6,
                "{name:?}"
            );
            assert!(
                s.alpha(1.0) < 0.01 && (s.sigma(1.0) - 1.0).abs() < 1e-4,
                "{name:?}"
            );
        }
        let ve = VarianceExploding::default();
        assert!(ve.sigma(1.0) > 10.0 * ve.sigma(0.5).sqrt());
    }

    #[test]
    fn transition_composes_to_marginal() {
        let s = VpLinear::default();
        let (a, b) = s.transition(0.2, 0.6);
        // x_0.6 = a (alpha(.2) x0 + sigma(.2) z1) + b z2 must have the marginal's coefficients.
        assert!((a * s.alpha(0.2) - s.alpha(0.6)).abs() < 1e-12);
        let var = (a * s.sigma(0.2)).powi(2) + b * b;
        assert!((var - s.sigma(0.6).powi(2)).abs() < 1e-12);
    }
}
