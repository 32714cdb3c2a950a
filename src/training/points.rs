//! The 2D sets a score MLP learns from, natively and in the page: a toy data set drawn afresh
//! for every batch, or points a user painted, drawn with replacement.

use crate::denoiser::GaussianMixture;
use crate::noise::{Noise, Stream};
use crate::presets::Preset;
use crate::{choice, toy_data};
use serde::{Deserialize, Serialize};

/// What the page's trainer learns: points painted by hand, or one of the toy data sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum TrainingData {
    Painted,
    /// The correlated Gaussian of the lecture notes' example.
    Correlated,
    Blobs,
    Ring,
    Moons,
    SwissRoll,
    Checkerboard,
}

crate::choice!(TrainingData, "training data");

/// Painted points carry one of two classes.
pub const PAINTED_CLASSES: usize = 2;
/// At most this many painted points (the page keeps them in its link, four characters each).
pub const MAX_PAINTED: usize = 1000;
/// Painted coordinates lie in [-LIMIT, LIMIT], the drawn square.
pub const PAINTED_LIMIT: f64 = 4.0;

/// The rows of one training batch and their labels.
pub type Batch = (Vec<Vec<f64>>, Vec<usize>);

/// The noise of the batch at `step` of a run seeded `seed`: batches depend on the seed and the
/// step alone, so a resumed run, and the page's trainer beside the native one, see the same data.
pub fn batch_noise(seed: u64, step: u64) -> Noise {
    Noise::new(
        seed.wrapping_mul(1_000_003).wrapping_add(step),
        Stream::Data,
    )
}

/// A training set: toy data, or painted points (x1, x2, class).
#[derive(Debug, Clone, PartialEq)]
pub struct PointSet {
    data: TrainingData,
    painted: Vec<[f64; 3]>,
}

impl PointSet {
    /// `painted` must be empty unless `data` is `Painted`, and may not be empty then.
    pub fn new(data: TrainingData, painted: Vec<[f64; 3]>) -> Result<Self, String> {
        check_painted(data, &painted)?;
        Ok(Self { data, painted })
    }

    /// Labels the network knows (painted points: always both classes, painted or not yet).
    pub fn classes(&self) -> usize {
        match self.data {
            TrainingData::Painted => PAINTED_CLASSES,
            TrainingData::Correlated => 1,
            _ => toy_data::num_classes(choice::name(self.data)).expect("a toy data set"),
        }
    }

    /// The classes that have data: the painted ones, or all.
    pub fn classes_present(&self) -> Vec<usize> {
        (0..self.classes())
            .filter(|&c| {
                self.data != TrainingData::Painted
                    || self.painted.iter().any(|p| p[2] as usize == c)
            })
            .collect()
    }

    /// The data's closed form where it has one (the 2D lab's mixtures), for the exact score.
    pub fn exact(&self) -> Option<GaussianMixture> {
        choice::parse::<Preset>(choice::name(self.data))
            .ok()
            .map(Preset::mixture)
    }

    /// The batch of `size` rows at `step` of a run seeded `seed`.
    pub fn batch(&self, size: usize, seed: u64, step: u64) -> Batch {
        let mut noise = batch_noise(seed, step);
        self.sample(size, &mut noise)
    }

    /// `n` points of the set: draws of the toy data, or painted points drawn with replacement.
    pub fn sample(&self, n: usize, noise: &mut Noise) -> Batch {
        if self.data == TrainingData::Painted {
            let count = self.painted.len();
            return (0..n)
                .map(|_| {
                    let i = ((noise.uniform() * count as f64) as usize).min(count - 1);
                    let [x1, x2, class] = self.painted[i];
                    (vec![x1, x2], class as usize)
                })
                .unzip();
        }
        match self.exact() {
            Some(mixture) => mixture.sample(n, noise),
            None => toy_data::sample(choice::name(self.data), n, noise)
                .expect("every training data set but the painted one is a toy data set"),
        }
    }
}

fn check_painted(data: TrainingData, painted: &[[f64; 3]]) -> Result<(), String> {
    if data != TrainingData::Painted {
        return if painted.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "points are painted data: give them with data 'painted', not '{}'",
                choice::name(data)
            ))
        };
    }
    if painted.is_empty() {
        return Err("paint some points first: the painted data set is empty".into());
    }
    if painted.len() > MAX_PAINTED {
        return Err(format!(
            "{} painted points: at most {MAX_PAINTED}",
            painted.len()
        ));
    }
    for (i, &[x1, x2, class]) in painted.iter().enumerate() {
        if !(x1.abs() <= PAINTED_LIMIT && x2.abs() <= PAINTED_LIMIT) {
            return Err(format!(
                "painted point {i} ({x1}, {x2}) lies outside [-{PAINTED_LIMIT}, {PAINTED_LIMIT}]^2"
            ));
        }
        if !(class == 0.0 || class == 1.0) {
            return Err(format!(
                "painted point {i} has class {class}: the classes are 0 and 1"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toy_batches_are_the_toy_data_sets_draws() {
        for data in choice::all::<TrainingData>() {
            if data == TrainingData::Painted {
                continue;
            }
            let set = PointSet::new(data, Vec::new()).unwrap();
            let (rows, labels) = set.batch(64, 3, 17);
            assert_eq!((rows.len(), labels.len()), (64, 64));
            assert!(labels.iter().all(|&l| l < set.classes()));
            // The same seed and step give the same batch; another step another.
            assert_eq!(set.batch(64, 3, 17).0, rows);
            assert_ne!(set.batch(64, 3, 18).0, rows);
        }
        let blobs = PointSet::new(TrainingData::Blobs, Vec::new()).unwrap();
        let named = toy_data::sample("blobs", 64, &mut batch_noise(3, 17)).unwrap();
        assert_eq!(blobs.batch(64, 3, 17), named);
    }

    #[test]
    fn painted_batches_draw_the_painted_points() {
        let painted = vec![[1.0, 2.0, 0.0], [-1.5, 0.5, 1.0], [3.0, -3.0, 1.0]];
        let set = PointSet::new(TrainingData::Painted, painted.clone()).unwrap();
        let (rows, labels) = set.batch(300, 0, 0);
        for (row, label) in rows.iter().zip(&labels) {
            assert!(painted.contains(&[row[0], row[1], *label as f64]));
        }
        // Each of three points about a third of the time: 100 expected, sd about 8.
        let first = labels.iter().filter(|&&l| l == 0).count();
        assert!((60..140).contains(&first), "{first}");
        assert_eq!(set.classes_present(), vec![0, 1]);
        let one = PointSet::new(TrainingData::Painted, vec![[0.0, 0.0, 1.0]]).unwrap();
        assert_eq!((one.classes(), one.classes_present()), (2, vec![1]));
    }

    #[test]
    fn bad_painted_sets_are_refused_with_a_reason() {
        let refused = |data, painted: Vec<[f64; 3]>, needle: &str| {
            let err = PointSet::new(data, painted).unwrap_err();
            assert!(err.contains(needle), "{err}");
        };
        refused(TrainingData::Painted, vec![], "paint some points");
        refused(TrainingData::Painted, vec![[0.0, 5.0, 0.0]], "outside");
        refused(TrainingData::Painted, vec![[f64::NAN, 0.0, 0.0]], "outside");
        refused(
            TrainingData::Painted,
            vec![[0.0, 0.0, 2.0]],
            "classes are 0 and 1",
        );
        refused(
            TrainingData::Painted,
            vec![[0.0, 0.0, 0.5]],
            "classes are 0 and 1",
        );
        refused(TrainingData::Painted, vec![[0.0; 3]; 1001], "at most 1000");
        refused(TrainingData::Blobs, vec![[0.0; 3]], "data 'painted'");
    }
}
