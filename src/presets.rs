//! The closed-form data sets of the 2D demo, by name.

use crate::denoiser::{Component, Gaussian, GaussianMixture};
use crate::linalg::Matrix;
use serde::{Deserialize, Serialize};

/// The 2D Gaussian of the lecture notes "Conditional Diffusion Models" (docs/references.md):
/// N(0, [[1, 0.9], [0.9, 1]]).
pub fn correlated_gaussian() -> Gaussian {
    Gaussian::new(
        vec![0.0, 0.0],
        Matrix::from_rows(&[vec![1.0, 0.9], vec![0.9, 1.0]]),
    )
}

fn isotropic(mean: [f64; 2], var: f64) -> Gaussian {
    Gaussian::new(mean.to_vec(), Matrix::identity(2).scale(var))
}

/// Three labelled, well separated blobs of unequal weight.
pub fn three_blobs() -> GaussianMixture {
    GaussianMixture::new(vec![
        Component {
            weight: 0.5,
            label: 0,
            gaussian: isotropic([-2.0, -1.2], 0.16),
        },
        Component {
            weight: 0.3,
            label: 1,
            gaussian: isotropic([2.0, -1.2], 0.16),
        },
        Component {
            weight: 0.2,
            label: 2,
            gaussian: isotropic([0.0, 2.0], 0.16),
        },
    ])
}

/// Eight blobs on a circle, two classes alternating: a class is itself a mixture.
pub fn ring() -> GaussianMixture {
    GaussianMixture::new(
        (0..8)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / 8.0;
                Component {
                    weight: 1.0,
                    label: k % 2,
                    gaussian: isotropic([2.0 * a.cos(), 2.0 * a.sin()], 0.04),
                }
            })
            .collect(),
    )
}

/// Every 2D data set, by the name the page, the URL and `diffusion train` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum Preset {
    Correlated,
    Blobs,
    Ring,
}

crate::choice!(Preset, "data set");

impl Preset {
    /// The data set as a labelled mixture (a Gaussian is a one-component mixture).
    pub fn mixture(self) -> GaussianMixture {
        match self {
            Self::Correlated => GaussianMixture::new(vec![Component {
                weight: 1.0,
                label: 0,
                gaussian: correlated_gaussian(),
            }]),
            Self::Blobs => three_blobs(),
            Self::Ring => ring(),
        }
    }
}
