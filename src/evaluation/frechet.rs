use crate::linalg::Matrix;

/// Mean and covariance of a set of feature vectors.
#[derive(Debug, Clone)]
pub struct FeatureStats {
    pub mean: Vec<f64>,
    pub covariance: Matrix,
    pub count: usize,
}

impl FeatureStats {
    /// From rows of equal length; the covariance divides by n - 1.
    pub fn of(rows: &[Vec<f64>]) -> Self {
        let n = rows.len();
        assert!(n >= 2, "a covariance needs two rows or more");
        let d = rows[0].len();
        let mean: Vec<f64> = (0..d)
            .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n as f64)
            .collect();
        let mut covariance = Matrix::zeros(d, d);
        for r in rows {
            for i in 0..d {
                let di = r[i] - mean[i];
                for j in i..d {
                    covariance[(i, j)] += di * (r[j] - mean[j]);
                }
            }
        }
        let covariance = Matrix::from_fn(d, d, |i, j| {
            let (a, b) = if i <= j { (i, j) } else { (j, i) };
            covariance[(a, b)] / (n - 1) as f64
        });
        Self {
            mean,
            covariance,
            count: n,
        }
    }
}

/// The Fréchet distance between the Gaussians with these moments (the FID formula of Heusel et
/// al. 2017): |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2).
pub fn frechet_distance(a: &FeatureStats, b: &FeatureStats) -> f64 {
    assert_eq!(a.mean.len(), b.mean.len(), "features of one space");
    let d = a.mean.len();
    let shift: f64 = a
        .mean
        .iter()
        .zip(&b.mean)
        .map(|(x, y)| (x - y).powi(2))
        .sum();
    let trace = |m: &Matrix| (0..d).map(|i| m[(i, i)]).sum::<f64>();
    let root_a = a.covariance.psd_sqrt();
    let inner = root_a.matmul(&b.covariance).matmul(&root_a);
    let (values, _) = inner.symmetric_eigen();
    let cross: f64 = values.iter().map(|v| v.max(0.0).sqrt()).sum();
    (shift + trace(&a.covariance) + trace(&b.covariance) - 2.0 * cross).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::noise::{Noise, Stream};

    fn diagonal(mean: Vec<f64>, variances: &[f64]) -> FeatureStats {
        let d = variances.len();
        FeatureStats {
            mean,
            covariance: Matrix::from_fn(d, d, |i, j| if i == j { variances[i] } else { 0.0 }),
            count: 0,
        }
    }

    #[test]
    fn diagonal_gaussians_have_the_closed_form_distance() {
        // For commuting covariances the distance is |dmu|^2 + sum (sqrt a_i - sqrt b_i)^2.
        let a = diagonal(vec![0.0, 1.0, 2.0], &[1.0, 4.0, 9.0]);
        let b = diagonal(vec![1.0, 1.0, 0.0], &[4.0, 1.0, 9.0]);
        let want = 1.0 + 4.0 + (1.0 + 1.0 + 0.0);
        assert!((frechet_distance(&a, &b) - want).abs() < 1e-10);
        assert!(frechet_distance(&a, &a).abs() < 1e-10);
    }

    #[test]
    fn a_rotated_covariance_is_measured_exactly() {
        // S1 = diag(4, 1) and S2 its 90-degree rotation diag(1, 4): tr S1^1/2 S2 S1^1/2 root =
        // 2 * 1 + 1 * 2 = 4, so the distance is 5 + 5 - 2 * 4 = 2.
        let a = diagonal(vec![0.0, 0.0], &[4.0, 1.0]);
        let b = diagonal(vec![0.0, 0.0], &[1.0, 4.0]);
        assert!((frechet_distance(&a, &b) - 2.0).abs() < 1e-10);
    }

    #[test]
    fn sample_moments_approach_the_exact_distance() {
        // 20,000 draws from N(0, I) and N(0.5, 2 I) in 4 dimensions: exact distance
        // 4 * 0.25 + 4 * (1 - sqrt 2)^2 = 1.686. Each estimated variance has relative standard
        // error sqrt(2 / n) = 1 %, the means 0.7 % of a unit: 0.05 is several standard errors.
        let mut noise = Noise::new(5, Stream::Data);
        let draw = |noise: &mut Noise, shift: f64, scale: f64| -> Vec<Vec<f64>> {
            (0..20_000)
                .map(|_| {
                    (0..4)
                        .map(|_| shift + scale * f64::from(noise.normal_vec(1)[0]))
                        .collect()
                })
                .collect()
        };
        let a = FeatureStats::of(&draw(&mut noise, 0.0, 1.0));
        let b = FeatureStats::of(&draw(&mut noise, 0.5, 2f64.sqrt()));
        let want = 1.0 + 4.0 * (1.0 - 2f64.sqrt()).powi(2);
        let got = frechet_distance(&a, &b);
        assert!((got - want).abs() < 0.05, "{got} vs {want}");
    }
}
