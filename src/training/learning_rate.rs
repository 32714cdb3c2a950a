/// How the learning rate moves over a run: a linear warm-up from 0, then constant, a cosine decay
/// to 0, or constant followed by a linear cool-down to 0. A checkpoint records it with the other
/// settings; a resumed run may change it only at steps the run has not taken yet
/// ([`LearningRateSchedule::first_difference`]).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct LearningRateSchedule {
    /// Optimiser steps over which the rate rises linearly from 0 (0: none). Adam's first steps
    /// are large next to its later ones (its second-moment estimate starts from few samples); the
    /// ramp keeps them from throwing the weights far off.
    #[serde(default)]
    pub warmup_steps: u64,
    #[serde(default)]
    pub decay: Decay,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Decay {
    /// The peak rate for ever: a run can go on as long as it improves, and the averaged weights
    /// (EMA) do the settling.
    #[default]
    Constant,
    /// Half a cosine from the peak at the end of the warm-up to 0 at `steps` (Loshchilov &
    /// Hutter 2017): for runs of a length fixed in advance.
    Cosine { steps: u64 },
    /// Constant up to step `from`, then linearly down to 0 at `steps` (the warmup-stable-decay
    /// schedule; Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed
    /// Training Durations"): a constant-rate run that has stopped improving can be resumed with
    /// a cool-down, which settles the weights further than the moving average alone.
    Cooldown { from: u64, steps: u64 },
}

impl LearningRateSchedule {
    /// The factor of the peak rate for the step about to be taken (`step` steps taken so far).
    pub fn factor(&self, step: u64) -> f64 {
        let next = step + 1;
        if next <= self.warmup_steps {
            return next as f64 / self.warmup_steps as f64;
        }
        match self.decay {
            Decay::Constant => 1.0,
            Decay::Cosine { steps } => {
                let span = steps.saturating_sub(self.warmup_steps).max(1);
                let done = (next - self.warmup_steps).min(span) as f64 / span as f64;
                0.5 * (1.0 + (std::f64::consts::PI * done).cos())
            }
            Decay::Cooldown { from, steps } => {
                let span = steps.saturating_sub(from).max(1);
                1.0 - next.saturating_sub(from).min(span) as f64 / span as f64
            }
        }
    }

    /// The first of the steps `0..taken` at which `self` and `other` give different rates, if
    /// any: a run of `taken` steps under `other` continues exactly under `self` when there is none.
    pub fn first_difference(&self, other: &Self, taken: u64) -> Option<u64> {
        (0..taken).find(|&step| self.factor(step) != other.factor(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_up_then_constant_or_cosine() {
        let constant = LearningRateSchedule {
            warmup_steps: 4,
            decay: Decay::Constant,
        };
        let ramp: Vec<f64> = (0..6).map(|s| constant.factor(s)).collect();
        assert_eq!(ramp, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
        let cosine = LearningRateSchedule {
            warmup_steps: 0,
            decay: Decay::Cosine { steps: 100 },
        };
        assert!((cosine.factor(0) - 1.0).abs() < 1e-3);
        assert!((cosine.factor(49) - 0.5).abs() < 1e-12);
        assert_eq!(cosine.factor(99), 0.0);
        // Past its end the rate stays at 0 rather than rising again.
        assert_eq!(cosine.factor(500), 0.0);
        let both = LearningRateSchedule {
            warmup_steps: 10,
            decay: Decay::Cosine { steps: 110 },
        };
        assert_eq!(both.factor(9), 1.0);
        assert!((both.factor(59) - 0.5).abs() < 1e-12);
        // No schedule at all: the peak rate from the first step.
        assert_eq!(LearningRateSchedule::default().factor(0), 1.0);
    }

    #[test]
    fn a_cooldown_continues_a_constant_run_it_starts_after() {
        let cooldown = LearningRateSchedule {
            warmup_steps: 2,
            decay: Decay::Cooldown { from: 6, steps: 10 },
        };
        let rates: Vec<f64> = (0..11).map(|s| cooldown.factor(s)).collect();
        assert_eq!(
            rates,
            [0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
        );
        let constant = LearningRateSchedule {
            warmup_steps: 2,
            decay: Decay::Constant,
        };
        // Six steps taken at the constant rate are the cool-down's first six; a seventh is not.
        assert_eq!(cooldown.first_difference(&constant, 6), None);
        assert_eq!(cooldown.first_difference(&constant, 7), Some(6));
        let other_warmup = LearningRateSchedule {
            warmup_steps: 3,
            ..constant
        };
        assert_eq!(other_warmup.first_difference(&constant, 100), Some(0));
    }
}
