/// RePaint's time sequence (Lugmayr et al. 2022): go down in `steps` equal intervals from 1 to
/// `t_min`, but after every `jump_length` intervals jump back up `jump_length` intervals,
/// `resamplings - 1` times, so that the known and generated parts can harmonise. With
/// `resamplings = 1` it is the plain uniform grid.
pub fn repaint_times(steps: usize, t_min: f64, jump_length: usize, resamplings: usize) -> Vec<f64> {
    assert!(
        steps > 0 && jump_length > 0 && resamplings > 0,
        "steps, jump length and resamplings must be positive"
    );
    let time = |i: usize| 1.0 - (1.0 - t_min) * i as f64 / steps as f64;
    // Work in grid indices counted from the end, as the paper does: T at noise, 0 at t_min.
    let mut jumps_left: Vec<usize> = (0..=steps)
        .map(|j| {
            if j % jump_length == 0 && j + jump_length < steps {
                resamplings - 1
            } else {
                0
            }
        })
        .collect();
    let mut remaining = steps;
    let mut times = vec![time(0)];
    while remaining > 0 {
        remaining -= 1;
        times.push(time(steps - remaining));
        if jumps_left[remaining] > 0 {
            jumps_left[remaining] -= 1;
            for _ in 0..jump_length {
                remaining += 1;
                times.push(time(steps - remaining));
            }
        }
    }
    times
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::uniform_times;

    #[test]
    fn one_resampling_is_the_uniform_grid() {
        assert_eq!(repaint_times(10, 1e-3, 3, 1), uniform_times(10, 1e-3));
    }

    #[test]
    fn jumps_go_back_up_and_end_at_t_min() {
        let t = repaint_times(12, 0.0, 3, 2);
        let ups = t.windows(2).filter(|w| w[1] > w[0]).count();
        let downs = t.windows(2).filter(|w| w[1] < w[0]).count();
        // Jumps start at grid indices 6, 3 and 0 counted from the end: three jumps of three.
        assert_eq!(ups, 9);
        assert_eq!(downs, 12 + 9);
        assert_eq!(*t.last().unwrap(), 0.0);
    }
}
