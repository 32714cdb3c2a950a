use crate::denoiser::{Component, Gaussian, GaussianMixture};
use crate::linalg::{Matrix, NotPositiveDefinite};
use crate::observation::{Likelihood, LinearObservation};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum ExactPosteriorError {
    /// Only Gaussian likelihoods keep the posterior in closed form.
    NotGaussian,
    /// A A^T-type matrix was singular: observing the same direction twice without noise.
    Degenerate(NotPositiveDefinite),
}

impl fmt::Display for ExactPosteriorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotGaussian => write!(f, "the exact posterior needs a Gaussian likelihood"),
            Self::Degenerate(_) => write!(
                f,
                "the observations are degenerate (the same direction observed twice exactly)"
            ),
        }
    }
}

impl std::error::Error for ExactPosteriorError {}

impl From<NotPositiveDefinite> for ExactPosteriorError {
    fn from(e: NotPositiveDefinite) -> Self {
        Self::Degenerate(e)
    }
}

pub(super) fn noise_var(obs: &LinearObservation) -> Result<f64, ExactPosteriorError> {
    match obs.likelihood {
        Likelihood::Gaussian { std } => Ok(std * std),
        Likelihood::Bernoulli => Err(ExactPosteriorError::NotGaussian),
    }
}

/// Returns the posterior and log N(y; A mu, A Sigma A^T + R), the evidence of the observation.
pub(super) fn condition(
    prior: &Gaussian,
    obs: &LinearObservation,
    var: f64,
) -> Result<(Gaussian, f64), ExactPosteriorError> {
    let a = &obs.a;
    let sigma = prior.cov();
    let mu = Matrix::column(prior.mean());
    let y = Matrix::column(&obs.y);
    let s = a.matmul(sigma).matmul(&a.transpose()).add_diagonal(var);
    let (s_inv, logdet_s) = s.spd_inverse_logdet()?;
    let gain = sigma.matmul(&a.transpose()).matmul(&s_inv);
    let residual = y.sub(&a.matmul(&mu));
    let mean = mu.add(&gain.matmul(&residual));
    let cov = sigma.sub(&gain.matmul(a).matmul(sigma)).symmetrised();
    let k = obs.y.len() as f64;
    let log_evidence = -0.5
        * (residual.transpose().matmul(&s_inv).matmul(&residual)[(0, 0)]
            + logdet_s
            + k * (2.0 * std::f64::consts::PI).ln());
    Ok((Gaussian::new(mean.as_slice().to_vec(), cov), log_evidence))
}

/// p(x | y) for Gaussian data observed linearly with Gaussian noise (a GP posterior, or the
/// p(x1 | x2 = y) of the lecture notes "Conditional Diffusion Models"). Its closed-form score is
/// the exact conditional score at every t.
pub fn gaussian_posterior(
    prior: &Gaussian,
    obs: &LinearObservation,
) -> Result<Gaussian, ExactPosteriorError> {
    let var = noise_var(obs)?;
    Ok(condition(prior, obs, var)?.0)
}

/// p(x | y) for mixture data: each component is conditioned and reweighted by its evidence.
pub fn mixture_posterior(
    prior: &GaussianMixture,
    obs: &LinearObservation,
) -> Result<GaussianMixture, ExactPosteriorError> {
    let var = noise_var(obs)?;
    let mut parts = Vec::new();
    for c in prior.components() {
        let (gaussian, log_evidence) = condition(&c.gaussian, obs, var)?;
        parts.push((c.weight.ln() + log_evidence, c.label, gaussian));
    }
    let max = parts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    Ok(GaussianMixture::new(
        parts
            .into_iter()
            .map(|(lw, label, gaussian)| Component {
                weight: (lw - max).exp(),
                label,
                gaussian,
            })
            .collect(),
    ))
}
