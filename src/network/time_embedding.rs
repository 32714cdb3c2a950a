use burn::tensor::{Tensor, TensorData};

/// Sinusoidal features of t in [0, 1], [batch, width] from [batch, 1]: frequencies spaced
/// geometrically from 1 to 1 / 10,000 of 1000 t, as in the transformer position encoding that
/// DDPM uses for its step index.
pub fn time_embedding(t: Tensor<2>, width: usize) -> Tensor<2> {
    assert!(
        width >= 2 && width.is_multiple_of(2),
        "the time embedding width must be even"
    );
    let half = width / 2;
    let freqs: Vec<f32> = (0..half)
        .map(|k| (1000.0 * (-(10_000f64.ln()) * k as f64 / half as f64).exp()) as f32)
        .collect();
    let freqs = Tensor::<2>::from_data(TensorData::new(freqs, [1, half]), &t.device());
    let angles = t.matmul(freqs);
    Tensor::cat(vec![angles.clone().sin(), angles.cos()], 1)
}
