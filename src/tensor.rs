//! Moving small host values onto a device and back.

use crate::linalg::Matrix;
use burn::tensor::{Device, Tensor, TensorData};

pub fn matrix(m: &Matrix, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(m.to_f32(), [m.rows(), m.cols()]), device)
}

/// A [1, n] row, broadcast over the batch.
pub fn row(values: &[f64], device: &Device) -> Tensor<2> {
    let v: Vec<f32> = values.iter().map(|&x| x as f32).collect();
    Tensor::from_data(TensorData::new(v, [1, values.len()]), device)
}

/// Host rows (samples) as a [rows, dim] tensor.
pub fn from_rows(rows: &[Vec<f64>], device: &Device) -> Tensor<2> {
    let dim = rows.first().map_or(0, Vec::len);
    assert!(
        rows.iter().all(|r| r.len() == dim),
        "rows of unequal length"
    );
    let flat: Vec<f32> = rows
        .iter()
        .flat_map(|r| r.iter().map(|&v| v as f32))
        .collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), dim]), device)
}

/// Synchronous readback, for native code and tests only: the browser must use `into_data_async`.
#[cfg(not(target_family = "wasm"))]
pub fn to_vec(t: Tensor<2>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .as_slice::<f32>()
        .expect("f32 data")
        .to_vec()
}
