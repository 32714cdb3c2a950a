//! The labelled 2D training sets of the toy score networks: the closed-form mixtures of
//! `presets`, and three without a closed form (two moons, swiss roll, checkerboard); and the
//! functions of the "Functions" example of the lecture notes "Conditional Diffusion Models": GP
//! draws on a grid.

use crate::choice;
use crate::denoiser::GaussianProcess;
use crate::noise::Noise;
use crate::presets::Preset;
use std::f64::consts::PI;

/// The grid the function demo diffuses over: 32 points on [-1, 1], RBF lengthscale 0.25.
pub fn function_prior() -> GaussianProcess {
    GaussianProcess::on_grid(-1.0, 1.0, 32, 0.25, 1.0)
}

/// `n` functions drawn from [`function_prior`], one row of grid values each, all labelled 0.
pub fn sample_functions(n: usize, noise: &mut Noise) -> (Vec<Vec<f64>>, Vec<usize>) {
    let functions = function_prior()
        .prior()
        .sample(n, noise)
        .expect("the GP covariance with jitter is positive definite");
    (functions, vec![0; n])
}

pub const NAMES: [&str; 5] = ["blobs", "ring", "moons", "swiss-roll", "checkerboard"];

/// Number of labels a data set uses.
pub fn num_classes(name: &str) -> Option<usize> {
    match name {
        "blobs" => Some(3),
        "ring" | "moons" | "swiss-roll" | "checkerboard" => Some(2),
        _ => None,
    }
}

/// `n` labelled samples, scaled to lie mostly within [-3, 3]^2.
pub fn sample(
    name: &str,
    n: usize,
    noise: &mut Noise,
) -> Result<(Vec<Vec<f64>>, Vec<usize>), String> {
    match choice::parse::<Preset>(name) {
        Ok(Preset::Correlated) | Err(_) => {}
        Ok(mixture) => return Ok(mixture.mixture().sample(n, noise)),
    }
    let mut xs = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let (u, v) = (noise.uniform(), noise.uniform());
        let jitter = noise.normal_vec(2);
        let (point, label) = match name {
            // sklearn's make_moons, centred and scaled.
            "moons" => {
                let theta = PI * u;
                if v < 0.5 {
                    ([theta.cos(), theta.sin()], 0)
                } else {
                    ([1.0 - theta.cos(), 0.5 - theta.sin()], 1)
                }
            }
            "swiss-roll" => {
                let theta = 1.5 * PI * (1.0 + 2.0 * u);
                (
                    [theta * theta.cos() / 6.0, theta * theta.sin() / 6.0],
                    usize::from(u >= 0.5),
                )
            }
            // Uniform on the dark squares of a 4 x 4 board on [-2, 2]^2; label = left or right half.
            "checkerboard" => {
                let column = (4.0 * u).floor().min(3.0);
                let row = 2.0 * (2.0 * v).floor().min(1.0) + (column as usize % 2) as f64;
                let x = -2.0 + column + noise.uniform();
                let y = -2.0 + row + noise.uniform();
                ([x, y], usize::from(x >= 0.0))
            }
            other => {
                return Err(format!(
                    "unknown data set '{other}' (one of {})",
                    NAMES.join(", ")
                ));
            }
        };
        let (scale, shift, sd) = match name {
            "moons" => (1.6, [-0.5, -0.25], 0.08),
            _ => (
                1.0,
                [0.0, 0.0],
                if name == "swiss-roll" { 0.05 } else { 0.0 },
            ),
        };
        xs.push(vec![
            scale * (point[0] + shift[0]) + sd * f64::from(jitter[0]),
            scale * (point[1] + shift[1]) + sd * f64::from(jitter[1]),
        ]);
        labels.push(label);
    }
    Ok((xs, labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::noise::Stream;

    #[test]
    fn every_set_samples_both_labels_in_range() {
        for name in NAMES {
            let (xs, labels) = sample(name, 2000, &mut Noise::new(1, Stream::Data)).unwrap();
            assert_eq!(xs.len(), 2000);
            let k = num_classes(name).unwrap();
            for class in 0..k {
                let share = labels.iter().filter(|&&l| l == class).count() as f64 / 2000.0;
                assert!(share > 0.1, "{name}: class {class} has {share}");
            }
            assert!(
                xs.iter().flatten().all(|v| v.abs() < 3.5),
                "{name} leaves [-3.5, 3.5]"
            );
        }
        assert!(sample("spiral", 1, &mut Noise::new(1, Stream::Data)).is_err());
    }

    #[test]
    fn functions_have_the_prior_variance() {
        let (fs, labels) = sample_functions(4000, &mut Noise::new(3, Stream::Data));
        assert!(labels.iter().all(|&l| l == 0) && fs[0].len() == 32);
        let var = fs.iter().map(|f| f[10] * f[10]).sum::<f64>() / 4000.0;
        // Var of a sample variance of N(0, 1): 2 / n.
        assert!(
            (var - 1.0).abs() < 4.5 * (2.0f64 / 4000.0).sqrt(),
            "variance {var}"
        );
    }

    #[test]
    fn checkerboard_samples_only_dark_squares() {
        let (xs, _) = sample("checkerboard", 2000, &mut Noise::new(2, Stream::Data)).unwrap();
        for p in xs {
            let (c, r) = ((p[0] + 2.0).floor() as i64, (p[1] + 2.0).floor() as i64);
            assert_eq!((c + r) % 2, 0, "({}, {}) is on a light square", p[0], p[1]);
        }
    }
}
