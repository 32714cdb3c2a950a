use burn::tensor::Tensor;

/// For each sample row, the cosine similarity to its nearest row of `reference` (the memorisation
/// check of Ilin & Friesen, "Conditional Generative Diffusion with Langevin Dynamics", Fig. 2: near
/// 1 would mean copies of training digits). Rows are compared as given; pass images in [0, 1] so
/// that the background contributes nothing.
pub fn nearest_cosine(samples: Tensor<2>, reference: Tensor<2>) -> Vec<f64> {
    let unit = |x: Tensor<2>| {
        let norm = x.clone().square().sum_dim(1).sqrt().clamp_min(1e-12);
        x / norm
    };
    let similarity = unit(samples).matmul(unit(reference).transpose());
    let best = similarity.max_dim(1);
    let [n, _] = best.dims();
    crate::tensor::to_vec(best.reshape([n, 1]))
        .into_iter()
        .map(f64::from)
        .collect()
}
