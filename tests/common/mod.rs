//! Helpers for the statistical tests: run a sampler natively on burn's CPU backend and compare
//! sample moments with closed-form ones, with tolerances from the sample size.
#![allow(dead_code)]

use burn::tensor::Device;
use diffusion_playground::denoiser::Denoiser;
use diffusion_playground::linalg::Matrix;
use diffusion_playground::projection::Projection;
use diffusion_playground::sampler::{Parts, Sampler, Trajectory, uniform_times};
use diffusion_playground::schedule::Schedule;
use diffusion_playground::tensor::to_vec;

pub fn device() -> Device {
    Device::flex()
}

/// Final samples of a run as rows.
pub fn run(
    model: &dyn Denoiser,
    sampler: &dyn Sampler,
    schedule: &dyn Schedule,
    steps: usize,
    n: usize,
    seed: u64,
    projection: Option<&dyn Projection>,
) -> Vec<Vec<f64>> {
    let times = uniform_times(steps, schedule.t_min());
    run_times(model, sampler, schedule, times, n, seed, projection)
}

pub fn run_times(
    model: &dyn Denoiser,
    sampler: &dyn Sampler,
    schedule: &dyn Schedule,
    times: Vec<f64>,
    n: usize,
    seed: u64,
    projection: Option<&dyn Projection>,
) -> Vec<Vec<f64>> {
    let parts = Parts {
        model,
        sampler,
        schedule,
        projection,
    };
    let trajectory = Trajectory::new(parts, times, n, seed, &device());
    rows(to_vec(trajectory.run(parts, |_| {})), model.dim())
}

pub fn rows(flat: Vec<f32>, dim: usize) -> Vec<Vec<f64>> {
    flat.chunks(dim)
        .map(|r| r.iter().map(|&v| v as f64).collect())
        .collect()
}

pub fn mean(xs: &[Vec<f64>]) -> Vec<f64> {
    let d = xs[0].len();
    let n = xs.len() as f64;
    (0..d)
        .map(|i| xs.iter().map(|x| x[i]).sum::<f64>() / n)
        .collect()
}

pub fn cov(xs: &[Vec<f64>]) -> Matrix {
    let m = mean(xs);
    let d = m.len();
    let n = xs.len() as f64;
    Matrix::from_fn(d, d, |i, j| {
        xs.iter()
            .map(|x| (x[i] - m[i]) * (x[j] - m[j]))
            .sum::<f64>()
            / (n - 1.0)
    })
}

/// Standard errors at sample size n of the mean and of the covariance entries of N(., cov):
/// var(mean_i) = cov_ii / n, var(cov_ij) = (cov_ii cov_jj + cov_ij^2) / n.
pub fn standard_errors(cov: &Matrix, n: usize) -> (Vec<f64>, Matrix) {
    let d = cov.rows();
    let n = n as f64;
    let mean_se = (0..d).map(|i| (cov[(i, i)] / n).sqrt()).collect();
    let cov_se = Matrix::from_fn(d, d, |i, j| {
        ((cov[(i, i)] * cov[(j, j)] + cov[(i, j)].powi(2)) / n).sqrt()
    });
    (mean_se, cov_se)
}

/// Number of standard errors a test may be off: with a few hundred comparisons across the suite,
/// 4.5 keeps the chance of a false alarm under one in a thousand (and seeds are fixed).
pub const Z: f64 = 4.5;

/// Asserts that samples have the given mean and covariance within Z standard errors.
pub fn assert_moments(what: &str, xs: &[Vec<f64>], want_mean: &[f64], want_cov: &Matrix) {
    let (m, c) = (mean(xs), cov(xs));
    let (mean_se, cov_se) = standard_errors(want_cov, xs.len());
    for i in 0..m.len() {
        let err = (m[i] - want_mean[i]).abs();
        assert!(
            err <= Z * mean_se[i],
            "{what}: mean[{i}] = {:.4}, want {:.4} ± {:.4}",
            m[i],
            want_mean[i],
            Z * mean_se[i]
        );
        for j in 0..m.len() {
            let err = (c[(i, j)] - want_cov[(i, j)]).abs();
            assert!(
                err <= Z * cov_se[(i, j)],
                "{what}: cov[{i},{j}] = {:.4}, want {:.4} ± {:.4}",
                c[(i, j)],
                want_cov[(i, j)],
                Z * cov_se[(i, j)]
            );
        }
    }
}

/// Asserts that observed class frequencies match probabilities within Z binomial standard errors.
pub fn assert_frequencies(what: &str, labels: &[usize], want: &[f64]) {
    let n = labels.len() as f64;
    for (k, &p) in want.iter().enumerate() {
        let got = labels.iter().filter(|&&l| l == k).count() as f64 / n;
        let se = (p * (1.0 - p) / n).sqrt().max(0.5 / n);
        assert!(
            (got - p).abs() <= Z * se,
            "{what}: class {k} frequency {got:.4}, want {p:.4} ± {:.4}",
            Z * se
        );
    }
}

/// Labels by the exact Bayes classifier of a mixture at the end time.
pub fn classify(
    mixture: &diffusion_playground::denoiser::GaussianMixture,
    xs: &[Vec<f64>],
    schedule: &dyn Schedule,
) -> Vec<usize> {
    let x = diffusion_playground::tensor::from_rows(xs, &device());
    let lp = rows(
        to_vec(mixture.log_class_probs(x, &schedule.level(schedule.t_min()))),
        mixture.class_weights().len(),
    );
    lp.iter()
        .map(|r| (0..r.len()).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap())
        .collect()
}

/// Mean and covariance of x_t at the end time for Gaussian data: the samplers stop at t_min,
/// where x = alpha x_0 + sigma z, not at t = 0.
pub fn end_marginal(
    gaussian: &diffusion_playground::denoiser::Gaussian,
    schedule: &dyn Schedule,
) -> (Vec<f64>, Matrix) {
    let level = schedule.level(schedule.t_min());
    let mean = gaussian.mean().iter().map(|m| level.alpha * m).collect();
    (mean, gaussian.marginal_cov(&level))
}
