//! Small dense f64 matrices on the host.
//!
//! Closed-form scores and posteriors need a Cholesky factor or an inverse of a d×d matrix once per
//! step (d = 2 for the toy data, d ≤ 128 for a GP grid). Doing that in f64 on the host is exact
//! enough and keeps the device graph to plain matmuls, identical on every backend.

use std::fmt;

/// Row-major dense matrix.
#[derive(Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

/// Raised when a matrix that must be symmetric positive definite is not.
#[derive(Debug, Clone, PartialEq)]
pub struct NotPositiveDefinite;

impl fmt::Display for NotPositiveDefinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "matrix is not symmetric positive definite")
    }
}

impl std::error::Error for NotPositiveDefinite {}

impl fmt::Debug for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Matrix {}x{}", self.rows, self.cols)?;
        for r in 0..self.rows {
            writeln!(f, "  {:?}", &self.data[r * self.cols..(r + 1) * self.cols])?;
        }
        Ok(())
    }
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m[(i, i)] = 1.0;
        }
        m
    }

    pub fn from_rows(rows: &[Vec<f64>]) -> Self {
        let cols = rows.first().map_or(0, Vec::len);
        assert!(rows.iter().all(|r| r.len() == cols), "ragged rows");
        Self {
            rows: rows.len(),
            cols,
            data: rows.concat(),
        }
    }

    pub fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> f64) -> Self {
        let mut m = Self::zeros(rows, cols);
        for r in 0..rows {
            for c in 0..cols {
                m[(r, c)] = f(r, c);
            }
        }
        m
    }

    /// A column vector.
    pub fn column(values: &[f64]) -> Self {
        Self {
            rows: values.len(),
            cols: 1,
            data: values.to_vec(),
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    pub fn to_f32(&self) -> Vec<f32> {
        self.data.iter().map(|&v| v as f32).collect()
    }

    pub fn transpose(&self) -> Self {
        Self::from_fn(self.cols, self.rows, |r, c| self[(c, r)])
    }

    pub fn matmul(&self, other: &Self) -> Self {
        assert_eq!(self.cols, other.rows, "matmul shape mismatch");
        let mut out = Self::zeros(self.rows, other.cols);
        for r in 0..self.rows {
            for k in 0..self.cols {
                let a = self[(r, k)];
                if a == 0.0 {
                    continue;
                }
                for c in 0..other.cols {
                    out[(r, c)] += a * other[(k, c)];
                }
            }
        }
        out
    }

    pub fn scale(&self, s: f64) -> Self {
        Self {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|v| v * s).collect(),
        }
    }

    pub fn add(&self, other: &Self) -> Self {
        assert_eq!((self.rows, self.cols), (other.rows, other.cols));
        Self {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(a, b)| a + b)
                .collect(),
        }
    }

    pub fn sub(&self, other: &Self) -> Self {
        self.add(&other.scale(-1.0))
    }

    /// `self + s * I`.
    pub fn add_diagonal(&self, s: f64) -> Self {
        assert_eq!(self.rows, self.cols);
        let mut m = self.clone();
        for i in 0..self.rows {
            m[(i, i)] += s;
        }
        m
    }

    /// Lower-triangular L with L Lᵀ = self.
    pub fn cholesky(&self) -> Result<Self, NotPositiveDefinite> {
        assert_eq!(self.rows, self.cols, "cholesky of a non-square matrix");
        let n = self.rows;
        let mut l = Self::zeros(n, n);
        for j in 0..n {
            let mut d = self[(j, j)];
            for k in 0..j {
                d -= l[(j, k)] * l[(j, k)];
            }
            if !d.is_finite() || d <= 0.0 {
                return Err(NotPositiveDefinite);
            }
            let djj = d.sqrt();
            l[(j, j)] = djj;
            for i in j + 1..n {
                let mut s = self[(i, j)];
                for k in 0..j {
                    s -= l[(i, k)] * l[(j, k)];
                }
                l[(i, j)] = s / djj;
            }
        }
        Ok(l)
    }

    /// Inverse and log-determinant of a symmetric positive definite matrix.
    pub fn spd_inverse_logdet(&self) -> Result<(Self, f64), NotPositiveDefinite> {
        let l = self.cholesky()?;
        let n = self.rows;
        let logdet = 2.0 * (0..n).map(|i| l[(i, i)].ln()).sum::<f64>();
        // Solve L Lᵀ X = I column by column.
        let mut inv = Self::zeros(n, n);
        let mut y = vec![0.0; n];
        for col in 0..n {
            for i in 0..n {
                let mut s = if i == col { 1.0 } else { 0.0 };
                for k in 0..i {
                    s -= l[(i, k)] * y[k];
                }
                y[i] = s / l[(i, i)];
            }
            for i in (0..n).rev() {
                let mut s = y[i];
                for k in i + 1..n {
                    s -= l[(k, i)] * inv[(k, col)];
                }
                inv[(i, col)] = s / l[(i, i)];
            }
        }
        Ok((inv, logdet))
    }

    pub fn spd_inverse(&self) -> Result<Self, NotPositiveDefinite> {
        self.spd_inverse_logdet().map(|(inv, _)| inv)
    }

    /// Eigenvalues and eigenvectors (the columns of the second) of a symmetric matrix, by cyclic
    /// Jacobi rotations: slow for large n but exact to round-off, which is all the d <= 128
    /// matrices here need.
    pub fn symmetric_eigen(&self) -> (Vec<f64>, Self) {
        assert_eq!(self.rows, self.cols, "eigenvalues of a square matrix");
        let n = self.rows;
        let mut a = self.symmetrised();
        let mut v = Self::identity(n);
        let scale = a
            .data
            .iter()
            .map(|x| x * x)
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        for _sweep in 0..100 {
            let off: f64 = (0..n)
                .flat_map(|r| (0..n).filter(move |&c| c != r).map(move |c| (r, c)))
                .map(|(r, c)| a[(r, c)] * a[(r, c)])
                .sum();
            if off <= 1e-30 * scale {
                break;
            }
            for p in 0..n {
                for q in p + 1..n {
                    if a[(p, q)] == 0.0 {
                        continue;
                    }
                    let theta = (a[(q, q)] - a[(p, p)]) / (2.0 * a[(p, q)]);
                    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                    let t = if theta == 0.0 { 1.0 } else { t };
                    let (c, s) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                    for k in 0..n {
                        let (akp, akq) = (a[(k, p)], a[(k, q)]);
                        a[(k, p)] = c * akp - s * akq;
                        a[(k, q)] = s * akp + c * akq;
                    }
                    for k in 0..n {
                        let (apk, aqk) = (a[(p, k)], a[(q, k)]);
                        a[(p, k)] = c * apk - s * aqk;
                        a[(q, k)] = s * apk + c * aqk;
                    }
                    for k in 0..n {
                        let (vkp, vkq) = (v[(k, p)], v[(k, q)]);
                        v[(k, p)] = c * vkp - s * vkq;
                        v[(k, q)] = s * vkp + c * vkq;
                    }
                }
            }
        }
        ((0..n).map(|i| a[(i, i)]).collect(), v)
    }

    /// The symmetric square root of a symmetric positive semi-definite matrix; eigenvalues that
    /// round-off made slightly negative count as zero.
    pub fn psd_sqrt(&self) -> Self {
        let (values, vectors) = self.symmetric_eigen();
        let n = self.rows;
        Self::from_fn(n, n, |r, c| {
            (0..n)
                .map(|k| vectors[(r, k)] * values[k].max(0.0).sqrt() * vectors[(c, k)])
                .sum()
        })
    }

    /// Symmetrise away round-off so that later Cholesky factorisations stay stable.
    pub fn symmetrised(&self) -> Self {
        Self::from_fn(self.rows, self.cols, |r, c| {
            0.5 * (self[(r, c)] + self[(c, r)])
        })
    }
}

impl std::ops::Index<(usize, usize)> for Matrix {
    type Output = f64;
    fn index(&self, (r, c): (usize, usize)) -> &f64 {
        debug_assert!(r < self.rows && c < self.cols);
        &self.data[r * self.cols + c]
    }
}

impl std::ops::IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (r, c): (usize, usize)) -> &mut f64 {
        debug_assert!(r < self.rows && c < self.cols);
        &mut self.data[r * self.cols + c]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_times_matrix_is_identity() {
        let a = Matrix::from_rows(&[
            vec![4.0, 1.2, 0.3],
            vec![1.2, 3.0, 0.5],
            vec![0.3, 0.5, 2.0],
        ]);
        let (inv, logdet) = a.spd_inverse_logdet().unwrap();
        let id = a.matmul(&inv);
        for r in 0..3 {
            for c in 0..3 {
                let want = if r == c { 1.0 } else { 0.0 };
                assert!((id[(r, c)] - want).abs() < 1e-12);
            }
        }
        // det by cofactor expansion
        let det = 4.0 * (3.0 * 2.0 - 0.25) - 1.2 * (1.2 * 2.0 - 0.5 * 0.3)
            + 0.3 * (1.2 * 0.5 - 3.0 * 0.3);
        assert!((logdet - f64::ln(det)).abs() < 1e-12);
    }

    #[test]
    fn psd_square_root_squares_back() {
        let a = Matrix::from_rows(&[
            vec![4.0, 1.2, 0.3],
            vec![1.2, 3.0, 0.5],
            vec![0.3, 0.5, 2.0],
        ]);
        let (values, _) = a.symmetric_eigen();
        let trace: f64 = values.iter().sum();
        assert!((trace - 9.0).abs() < 1e-12);
        let root = a.psd_sqrt();
        let back = root.matmul(&root);
        for r in 0..3 {
            for c in 0..3 {
                assert!((back[(r, c)] - a[(r, c)]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn cholesky_rejects_indefinite() {
        let a = Matrix::from_rows(&[vec![1.0, 2.0], vec![2.0, 1.0]]);
        assert_eq!(a.cholesky(), Err(NotPositiveDefinite));
    }
}
