use crate::noise::Noise;
use serde::{Deserialize, Serialize};

/// Random distortions of a square grey image, drawn afresh for every image of every batch.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Augmentation {
    /// The image as it is: a generative model learns the data's own distribution.
    #[default]
    None,
    /// A rotation by up to `degrees` either way, a scaling by a factor within 1 -+ `scale` and a
    /// shift of up to `pixels` in x and y, about the image's centre, resampled bilinearly with
    /// the background (0) filling in. A classifier must read digits wherever and however a
    /// sampler draws them, and 9,000 training digits are few: this is the classic augmentation
    /// that takes small MNIST networks past 99 % (Simard et al. 2003, "Best Practices for
    /// Convolutional Neural Networks Applied to Visual Document Analysis").
    Affine {
        degrees: f64,
        scale: f64,
        pixels: f64,
    },
}

impl Augmentation {
    /// `image` (side x side, row-major) distorted by a draw from `noise`; `None` draws nothing.
    pub fn apply(&self, image: &[f32], side: usize, noise: &mut Noise) -> Vec<f32> {
        let Self::Affine {
            degrees,
            scale,
            pixels,
        } = *self
        else {
            return image.to_vec();
        };
        assert_eq!(image.len(), side * side, "a square image");
        let mut between = |half: f64| half * (2.0 * noise.uniform() - 1.0);
        let angle = between(degrees).to_radians();
        let factor = 1.0 + between(scale);
        let (dx, dy) = (between(pixels), between(pixels));
        let (sin, cos) = angle.sin_cos();
        let centre = (side as f64 - 1.0) / 2.0;
        let at = |x: i64, y: i64| -> f64 {
            let inside = (0..side as i64).contains(&x) && (0..side as i64).contains(&y);
            if inside {
                f64::from(image[y as usize * side + x as usize])
            } else {
                0.0
            }
        };
        (0..side * side)
            .map(|k| {
                // Each output pixel looks up where the inverse map sends it in the source.
                let (u, v) = (
                    (k % side) as f64 - centre - dx,
                    (k / side) as f64 - centre - dy,
                );
                let x = (cos * u + sin * v) / factor + centre;
                let y = (-sin * u + cos * v) / factor + centre;
                let (x0, y0) = (x.floor(), y.floor());
                let (fx, fy) = (x - x0, y - y0);
                let (x0, y0) = (x0 as i64, y0 as i64);
                let value = (1.0 - fy) * ((1.0 - fx) * at(x0, y0) + fx * at(x0 + 1, y0))
                    + fy * ((1.0 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
                value as f32
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::noise::Stream;

    /// A 28 x 28 image with one bright 2 x 2 block off centre.
    fn block() -> Vec<f32> {
        let mut image = vec![0.0; 28 * 28];
        for (x, y) in [(20, 8), (21, 8), (20, 9), (21, 9)] {
            image[y * 28 + x] = 1.0;
        }
        image
    }

    #[test]
    fn no_augmentation_draws_nothing_and_changes_nothing() {
        let mut noise = Noise::new(1, Stream::Data);
        let before = noise.position();
        assert_eq!(Augmentation::None.apply(&block(), 28, &mut noise), block());
        assert_eq!(noise.position(), before);
    }

    #[test]
    fn a_zero_distortion_is_the_identity_and_a_shift_moves_the_mass() {
        let mut noise = Noise::new(1, Stream::Data);
        let identity = Augmentation::Affine {
            degrees: 0.0,
            scale: 0.0,
            pixels: 0.0,
        };
        assert_eq!(identity.apply(&block(), 28, &mut noise), block());
        // Random distortions keep the values in [0, 1], roughly keep the mass (scaling by s
        // multiplies it by s^2, within 0.81 and 1.21; resampling a block this small bilinearly
        // moves it a few percent more), and move the block's centre no further than the bounds
        // allow.
        let affine = Augmentation::Affine {
            degrees: 10.0,
            scale: 0.1,
            pixels: 2.0,
        };
        for _ in 0..50 {
            let out = affine.apply(&block(), 28, &mut noise);
            assert!(out.iter().all(|v| (0.0..=1.0).contains(v)));
            let mass: f32 = out.iter().sum();
            assert!((4.0 * 0.75..=4.0 * 1.3).contains(&mass), "mass {mass}");
            let cx: f32 = out
                .iter()
                .enumerate()
                .map(|(k, v)| (k % 28) as f32 * v)
                .sum::<f32>()
                / mass;
            // The block sits 8.6 pixels from the centre: rotating it by 10° moves it by at most
            // 1.5 pixels, scaling by 0.9, the shift by 2 more.
            assert!((cx - 20.5).abs() < 4.5, "centre x {cx}");
        }
    }
}
