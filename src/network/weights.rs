use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

/// Weights in burn's record format (burnpack bytes, what `diffusion export` writes and the site
/// ships) loaded into `template`'s architecture. Bytes that are not a record, or a record of
/// another architecture, give an error that says which.
pub fn load_weights<M: Module>(template: M, bytes: &[u8]) -> Result<M, String> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| format!("not a weight file: {e:?}"))?;
    template
        .try_load_record(record)
        .map_err(|e| format!("the weights do not fit this architecture: {e:?}"))
}

/// `module`'s weights in burn's record format.
pub fn weight_bytes<M: Module>(module: &M) -> Result<Vec<u8>, String> {
    module
        .clone()
        .into_record()
        .into_bytes()
        .map(|b| b.to_vec())
        .map_err(|e| format!("cannot encode the weights: {e:?}"))
}
