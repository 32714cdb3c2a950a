//! Samplers: walk x from noise at t = 1 down to t_min, one step at a time.
//!
//! A sampler knows a [`Denoiser`] and a [`Schedule`], nothing about conditioning: guidance comes
//! in as a wrapped denoiser, state projections (inpainting) are applied by the [`Trajectory`]
//! between steps. Each sampler is one file; a new one implements [`Sampler`] and is added to
//! [`by_name`].

mod ddim;
mod euler_maruyama;
mod predictor_corrector;
mod probability_flow;
mod trajectory;

pub use ddim::Ddim;
pub use euler_maruyama::EulerMaruyama;
pub use predictor_corrector::PredictorCorrector;
pub use probability_flow::{ProbabilityFlowEuler, ProbabilityFlowHeun};
pub use trajectory::{Parts, Step, Trajectory, uniform_times};

use crate::denoiser::Denoiser;
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;

/// One move of the reverse process.
pub struct Moved {
    /// x at the new time.
    pub x: Tensor<2>,
    /// Tweedie's estimate of x_0 at the old time, from the first model call of the step.
    pub x0_hat: Tensor<2>,
}

pub trait Sampler {
    fn name(&self) -> &'static str;
    /// Move x from time `from` to the smaller time `to`.
    fn step(
        &self,
        model: &dyn Denoiser,
        schedule: &dyn Schedule,
        from: f64,
        to: f64,
        x: Tensor<2>,
        noise: &mut Noise,
    ) -> Moved;
}

/// Every sampler by its URL / UI name, with default parameters. `eta` and `snr` are read only
/// by the samplers that have them.
pub fn by_name(name: &str, eta: f64, snr: f64) -> Option<Box<dyn Sampler>> {
    match name {
        "em" => Some(Box::new(EulerMaruyama)),
        "ode-euler" => Some(Box::new(ProbabilityFlowEuler)),
        "ode-heun" => Some(Box::new(ProbabilityFlowHeun)),
        "ddim" => Some(Box::new(Ddim { eta })),
        "pc" => Some(Box::new(PredictorCorrector {
            snr,
            corrector_steps: 1,
        })),
        _ => None,
    }
}

pub const NAMES: [&str; 5] = ["em", "ode-euler", "ode-heun", "ddim", "pc"];

/// The labs' check of sampler settings from the page: a known name, 1 to `max_steps` steps,
/// DDIM's eta in [0, 1] and the predictor–corrector's snr in (0, 1].
pub fn check_settings(
    name: &str,
    steps: usize,
    max_steps: usize,
    eta: f64,
    snr: f64,
) -> Result<(), String> {
    if !NAMES.contains(&name) {
        return Err(format!(
            "unknown sampler '{name}' (one of {})",
            NAMES.join(", ")
        ));
    }
    if !(1..=max_steps).contains(&steps) {
        return Err(format!("steps must be between 1 and {max_steps}"));
    }
    if !(0.0..=1.0).contains(&eta) {
        return Err("eta must be between 0 and 1".into());
    }
    if !(snr > 0.0 && snr <= 1.0) {
        return Err("snr must be in (0, 1]".into());
    }
    Ok(())
}

/// Whether a run went off the rails: NaN or infinite values end it with a message that says
/// where, instead of drawing garbage (the page) or averaging it into a table (`eval`).
pub fn check_finite(values: &[f32], step: usize) -> Result<(), String> {
    let bad = values.iter().filter(|v| !v.is_finite()).count();
    if bad == 0 {
        return Ok(());
    }
    Err(format!(
        "the samples became NaN or infinite at step {step} ({bad} of {} values), so the run \
         stopped; extreme guidance or damaged weights do this",
        values.len()
    ))
}

/// -eps / sigma
fn score(eps: Tensor<2>, sigma: f64) -> Tensor<2> {
    eps.div_scalar(-sigma)
}

#[cfg(test)]
mod tests {
    use super::check_finite;

    #[test]
    fn non_finite_values_are_reported_with_their_step_and_count() {
        assert!(check_finite(&[0.0, -1e30, 1e30], 3).is_ok());
        let err = check_finite(&[0.0, f32::NAN, f32::INFINITY, 1.0], 7).unwrap_err();
        assert!(err.contains("step 7") && err.contains("2 of 4"), "{err}");
        assert!(check_finite(&[f32::NEG_INFINITY], 0).is_err());
    }
}
