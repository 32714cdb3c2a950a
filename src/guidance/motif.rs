use super::exact_posterior::{ExactPosteriorError, condition, noise_var};
use crate::denoiser::{Component, Gaussian, GaussianMixture};
use crate::observation::{Likelihood, LinearObservation, Observation};
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Tensor, TensorData};

/// Values known in a window (a run of grid points, a patch of pixels) whose place in the data
/// is not: "the mask is also latent", as in motif scaffolding (Trippe, Yim et al. 2023,
/// "Diffusion probabilistic modeling of protein backbones in 3D for the motif-scaffolding
/// problem"), in miniature. Every place the window fits in the grid is equally likely a priori.
#[derive(Debug, Clone, PartialEq)]
pub struct Motif {
    /// [rows, columns] of the window.
    window: [usize; 2],
    /// [rows, columns] of the data the window moves over (row-major coordinates).
    grid: [usize; 2],
    /// Row-major over the window; `None` where the window says nothing (a painted mask's holes).
    values: Vec<Option<f64>>,
    /// Noise of the known values; 0 is exact.
    std: f64,
}

impl Motif {
    pub fn new(
        window: [usize; 2],
        grid: [usize; 2],
        values: Vec<Option<f64>>,
        std: f64,
    ) -> Result<Self, String> {
        if window[0] == 0 || window[1] == 0 || window[0] > grid[0] || window[1] > grid[1] {
            return Err(format!(
                "a {}x{} motif does not fit in a {}x{} grid",
                window[0], window[1], grid[0], grid[1]
            ));
        }
        if values.len() != window[0] * window[1] || values.iter().all(Option::is_none) {
            return Err("a motif needs a value for some place in its window".into());
        }
        if !(std.is_finite() && std >= 0.0) {
            return Err("a motif's noise must be finite and not negative".into());
        }
        Ok(Self {
            window,
            grid,
            values,
            std,
        })
    }

    /// A run of consecutive values somewhere on a 1D grid of `dim` points.
    pub fn run(values: &[f64], dim: usize, std: f64) -> Result<Self, String> {
        Self::new(
            [1, values.len()],
            [1, dim],
            values.iter().copied().map(Some).collect(),
            std,
        )
    }

    /// The number of places, row-major over the window's top-left corner.
    pub fn places(&self) -> usize {
        (self.grid[0] - self.window[0] + 1) * (self.grid[1] - self.window[1] + 1)
    }

    /// The grid coordinates the known values lie on at `place`, with the values.
    pub fn cells(&self, place: usize) -> Vec<(usize, f64)> {
        let across = self.grid[1] - self.window[1] + 1;
        let (top, left) = (place / across, place % across);
        self.values
            .iter()
            .enumerate()
            .filter_map(|(k, v)| {
                let (r, c) = (k / self.window[1], k % self.window[1]);
                v.map(|v| ((top + r) * self.grid[1] + left + c, v))
            })
            .collect()
    }

    /// The motif at `place`, as an observation of coordinates.
    pub fn at(&self, place: usize) -> LinearObservation {
        let (indices, values): (Vec<usize>, Vec<f64>) = self.cells(place).into_iter().unzip();
        LinearObservation::coordinates(
            self.grid[0] * self.grid[1],
            &indices,
            values,
            Likelihood::Gaussian { std: self.std },
        )
    }
}

/// p(x | points, motif somewhere) for Gaussian data: a mixture over places whose component p
/// (labelled p) is the Gaussian posterior given the points and the motif at p, weighted by the
/// joint evidence p(points, motif at p). With a stationary prior the motif alone is equally
/// likely everywhere; the points and the grid's edges decide. The mixture's score is exact at
/// every t, and its class weights are the posterior over places.
pub fn motif_posterior(
    prior: &Gaussian,
    points: &LinearObservation,
    motif: &Motif,
) -> Result<GaussianMixture, ExactPosteriorError> {
    let var = noise_var(points)?;
    // The points' own evidence is the same at every place: only the motif's, given the
    // points, tells the places apart.
    let (given_points, _) = condition(prior, points, var)?;
    let mut parts = Vec::new();
    for place in 0..motif.places() {
        let (gaussian, log_evidence) =
            condition(&given_points, &motif.at(place), motif.std.powi(2))?;
        parts.push((log_evidence, gaussian));
    }
    let max = parts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    Ok(GaussianMixture::new(
        parts
            .into_iter()
            .enumerate()
            .map(|(place, (log_evidence, gaussian))| Component {
                weight: (log_evidence - max).exp(),
                label: place,
                gaussian,
            })
            .collect(),
    ))
}

/// A motif at an unknown place (and points, if any) as one likelihood for reconstruction
/// guidance: log p(points | x) + log (1/P) sum_p p(motif | x at p), a log-sum-exp over places,
/// so the guidance pulls each sample towards the places its own x0_hat already favours. The
/// misfit at every place at once is two convolutions: sum_known (x - v)^2 = conv(x^2, mask) -
/// 2 conv(x, v) + sum v^2.
pub struct MotifObservation<'a> {
    pub points: Option<&'a LinearObservation>,
    pub motif: &'a Motif,
}

impl Observation for MotifObservation<'_> {
    fn log_likelihood(&self, x: Tensor<2>, extra_var: f64) -> Tensor<2> {
        let motif = self.motif;
        let [batch, _] = x.dims();
        let device = x.device();
        let [rows, cols] = motif.grid;
        let kernel = |f: fn(Option<f64>) -> f64| {
            let w: Vec<f32> = motif.values.iter().map(|&v| f(v) as f32).collect();
            Tensor::<4>::from_data(
                TensorData::new(w, [1, 1, motif.window[0], motif.window[1]]),
                &device,
            )
        };
        let image = x.clone().reshape([batch, 1, rows, cols]);
        let plain = || ConvOptions::new([1, 1], [0, 0], [1, 1], 1);
        let squares = conv2d(
            image.clone().square(),
            kernel(|v| f64::from(u8::from(v.is_some()))),
            None,
            plain(),
        );
        let cross = conv2d(image, kernel(|v| v.unwrap_or(0.0)), None, plain());
        let constant: f64 = motif.values.iter().flatten().map(|v| v * v).sum();
        let var = motif.std.powi(2) + extra_var;
        let per_place = (squares - cross.mul_scalar(2.0))
            .add_scalar(constant)
            .reshape([batch, motif.places()])
            .div_scalar(-2.0 * var);
        // log-sum-exp about the row maximum, held constant: its gradient cancels exactly.
        let top = per_place.clone().max_dim(1).detach();
        let mixture = (per_place - top.clone()).exp().sum_dim(1).log() + top;
        match self.points {
            Some(points) => points.log_likelihood(x, extra_var) + mixture,
            None => mixture,
        }
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::denoiser::GaussianProcess;

    #[test]
    fn a_motif_alone_is_equally_likely_at_every_place() {
        let prior = GaussianProcess::on_grid(0.0, 1.0, 12, 0.2, 1.0).prior();
        let none =
            LinearObservation::coordinates(12, &[], vec![], Likelihood::Gaussian { std: 0.1 });
        let motif = Motif::run(&[0.5, 1.0, 0.5], 12, 0.1).unwrap();
        let posterior = motif_posterior(&prior, &none, &motif).unwrap();
        for w in posterior.class_weights() {
            assert!((w - 0.1).abs() < 1e-6, "place weight {w}");
        }
    }

    /// The convolutions compute, at every place, the same misfit as the motif's own observation.
    #[test]
    fn the_likelihood_over_places_is_the_log_mean_of_each_places_likelihood() {
        let device = burn::tensor::Device::flex();
        let values = vec![Some(1.0), None, Some(-0.5), Some(0.25), Some(0.0), None];
        let motif = Motif::new([2, 3], [4, 5], values, 0.3).unwrap();
        assert_eq!(motif.places(), 3 * 3);
        let x: Vec<Vec<f64>> = (0..2)
            .map(|b| {
                (0..20)
                    .map(|i| ((i * 7 + b * 3) % 11) as f64 / 5.0 - 1.0)
                    .collect()
            })
            .collect();
        let observation = MotifObservation {
            points: None,
            motif: &motif,
        };
        let got = crate::tensor::to_vec(
            observation.log_likelihood(crate::tensor::from_rows(&x, &device), 0.0),
        );
        for (b, row) in x.iter().enumerate() {
            let each: Vec<f64> = (0..motif.places())
                .map(|p| {
                    let misfit: f64 = motif
                        .cells(p)
                        .iter()
                        .map(|&(i, v)| (row[i] - v).powi(2))
                        .sum();
                    -misfit / (2.0 * 0.09)
                })
                .collect();
            let max = each.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let want = max + each.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
            assert!(
                (f64::from(got[b]) - want).abs() < 1e-4 * want.abs().max(1.0),
                "{} vs {want}",
                got[b]
            );
        }
    }

    #[test]
    fn a_motif_that_does_not_fit_is_refused() {
        assert!(
            Motif::run(&[0.0; 5], 4, 0.1)
                .unwrap_err()
                .contains("does not fit")
        );
        assert!(Motif::new([1, 2], [3, 3], vec![None, None], 0.1).is_err());
        assert!(Motif::run(&[0.0; 3], 4, f64::NAN).is_err());
    }
}
