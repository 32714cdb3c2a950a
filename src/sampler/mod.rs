//! Samplers: walk x from noise at t = 1 down to t_min, one step at a time.
//!
//! A sampler knows a [`Denoiser`] and a [`Schedule`], nothing about conditioning: guidance comes
//! in as a wrapped denoiser, state projections (inpainting) are applied by the [`Trajectory`]
//! between steps. Each sampler is one file; a new one implements [`Sampler`] and is a variant of
//! [`SamplerKind`], the catalogue the labs, the page and `diffusion eval` pick from.

mod ddim;
mod euler_maruyama;
mod predictor_corrector;
mod probability_flow;
mod probability_flow_euler;
mod probability_flow_heun;
mod trajectory;

pub use ddim::Ddim;
pub use euler_maruyama::EulerMaruyama;
pub use predictor_corrector::PredictorCorrector;
pub use probability_flow_euler::ProbabilityFlowEuler;
pub use probability_flow_heun::ProbabilityFlowHeun;
pub use trajectory::{Parts, Step, Trajectory, uniform_times};

use crate::choice;
use crate::denoiser::Denoiser;
use crate::noise::Noise;
use crate::schedule::Schedule;
use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// One move of the reverse process.
pub struct Moved {
    /// x at the new time.
    pub x: Tensor<2>,
    /// Tweedie's estimate of x_0 at the old time, from the first model call of the step.
    pub x0_hat: Tensor<2>,
}

pub trait Sampler {
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

/// Every sampler, by the name the page, the URL and `diffusion eval` use, in the order the page
/// lists them. A new sampler is a variant here with its arms in [`SamplerKind::build`] and
/// [`SamplerKind::entry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum SamplerKind {
    Em,
    Pc,
    OdeEuler,
    OdeHeun,
    Ddim,
}

crate::choice!(SamplerKind, "sampler");

/// The setting besides the step count that a sampler reads, by its field name in the labs'
/// settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Parameter {
    Eta,
    Snr,
}

/// What the page shows of a sampler: the form's label, the shorter one of run captions, and the
/// parameter whose control it shows with it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Entry {
    pub name: SamplerKind,
    pub label: &'static str,
    pub short: &'static str,
    pub parameter: Option<Parameter>,
}

impl SamplerKind {
    /// The sampler with DDIM's `eta` and the predictor–corrector's `snr`, each read only by the
    /// sampler that has it.
    pub fn build(self, eta: f64, snr: f64) -> Box<dyn Sampler> {
        match self {
            Self::Em => Box::new(EulerMaruyama),
            Self::Pc => Box::new(PredictorCorrector {
                snr,
                corrector_steps: 1,
            }),
            Self::OdeEuler => Box::new(ProbabilityFlowEuler),
            Self::OdeHeun => Box::new(ProbabilityFlowHeun),
            Self::Ddim => Box::new(Ddim { eta }),
        }
    }

    pub fn entry(self) -> Entry {
        let (label, short, parameter) = match self {
            Self::Em => ("Euler–Maruyama (reverse SDE)", "Euler–Maruyama", None),
            Self::Pc => (
                "predictor–corrector (Langevin)",
                "predictor–corrector",
                Some(Parameter::Snr),
            ),
            Self::OdeEuler => ("probability-flow ODE, Euler", "ODE Euler", None),
            Self::OdeHeun => ("probability-flow ODE, Heun", "ODE Heun", None),
            Self::Ddim => ("DDIM", "DDIM", Some(Parameter::Eta)),
        };
        Entry {
            name: self,
            label,
            short,
            parameter,
        }
    }
}

/// Every sampler as the page lists it.
pub fn catalogue() -> Vec<Entry> {
    choice::all::<SamplerKind>()
        .into_iter()
        .map(SamplerKind::entry)
        .collect()
}

/// The labs' check of sampler settings from the page: 1 to `max_steps` steps, DDIM's eta in
/// [0, 1] and the predictor–corrector's snr in (0, 1].
pub fn check_settings(steps: usize, max_steps: usize, eta: f64, snr: f64) -> Result<(), String> {
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
    use super::*;

    /// The catalogue the page reads: names and parameters as the page's settings spell them.
    #[test]
    fn the_catalogue_names_each_sampler_and_its_parameter() {
        let json = serde_json::to_value(catalogue()).unwrap();
        assert_eq!(
            json[4],
            serde_json::json!({"name": "ddim", "label": "DDIM", "short": "DDIM", "parameter": "eta"})
        );
        assert_eq!(json[1]["parameter"], "snr");
        let names = choice::names::<SamplerKind>();
        assert_eq!(names, ["em", "pc", "ode-euler", "ode-heun", "ddim"]);
        assert_eq!(choice::parse("ode-heun"), Ok(SamplerKind::OdeHeun));
        let err = choice::parse::<SamplerKind>("heun").unwrap_err();
        assert_eq!(
            err,
            "unknown sampler 'heun' (one of em, pc, ode-euler, ode-heun, ddim)"
        );
    }

    #[test]
    fn non_finite_values_are_reported_with_their_step_and_count() {
        assert!(check_finite(&[0.0, -1e30, 1e30], 3).is_ok());
        let err = check_finite(&[0.0, f32::NAN, f32::INFINITY, 1.0], 7).unwrap_err();
        assert!(err.contains("step 7") && err.contains("2 of 4"), "{err}");
        assert!(check_finite(&[f32::NEG_INFINITY], 0).is_err());
    }
}
