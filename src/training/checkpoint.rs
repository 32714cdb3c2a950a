//! Training checkpoints: one file holding the model, the optimiser state, the noise position and
//! the step, written atomically (temporary file, fsync, rename) and checked when read, so a run
//! killed at any moment resumes from the last complete checkpoint or says clearly why it cannot.
//! The page trains without files: only the native build reads and writes them.

#[cfg(not(target_family = "wasm"))]
use crate::native::files;
use crate::noise::NoisePosition;
use serde::{Deserialize, Serialize};
#[cfg(not(target_family = "wasm"))]
use std::path::Path;

const MAGIC: &[u8; 8] = b"DIFFCKP1";
const PARTS: usize = 4;
const HEADER: usize = 8 + 8 * PARTS;

/// What a run needs besides the tensors to continue exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointState {
    pub step: u64,
    pub ema_updates: u64,
    pub noise: NoisePosition,
    /// The trainer's settings, so that a resume can refuse a different configuration.
    pub settings: serde_json::Value,
    /// What the caller needs to rebuild the run (architecture, data), opaque to the trainer.
    #[serde(default)]
    pub run: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub state: CheckpointState,
    /// burn's record of the model (burnpack bytes).
    pub model: Vec<u8>,
    /// burn's record of the weights' moving average.
    pub ema: Vec<u8>,
    /// burn's record of the optimiser state.
    pub optimizer: Vec<u8>,
}

#[derive(Debug)]
pub enum CheckpointError {
    Io(std::io::Error),
    /// Not a checkpoint, truncated or altered: the message says which.
    Corrupt(String),
}

impl std::fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "checkpoint I/O failed: {e}"),
            Self::Corrupt(why) => write!(f, "checkpoint is unusable: {why}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

impl From<std::io::Error> for CheckpointError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// FNV-1a, 64 bit: enough to tell a damaged file from a good one.
fn checksum(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

impl Checkpoint {
    /// Layout: magic, one little-endian u64 length per part (state JSON, model, average,
    /// optimiser), the parts, then the checksum of the parts.
    pub fn to_bytes(&self) -> Vec<u8> {
        let state = serde_json::to_vec(&self.state).expect("checkpoint state serialises");
        let parts: [&[u8]; PARTS] = [&state, &self.model, &self.ema, &self.optimizer];
        let mut out = Vec::with_capacity(HEADER + parts.iter().map(|p| p.len()).sum::<usize>() + 8);
        out.extend_from_slice(MAGIC);
        for p in parts {
            out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        }
        for p in parts {
            out.extend_from_slice(p);
        }
        out.extend_from_slice(&checksum(&parts).to_le_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CheckpointError> {
        let corrupt = |why: &str| CheckpointError::Corrupt(why.to_string());
        if bytes.len() < HEADER + 8 || &bytes[..8] != MAGIC {
            return Err(corrupt("not a checkpoint of this project (wrong header)"));
        }
        let mut parts = Vec::with_capacity(PARTS);
        let mut at = HEADER;
        for i in 0..PARTS {
            let len = u64::from_le_bytes(bytes[8 + 8 * i..16 + 8 * i].try_into().expect("8 bytes"));
            let end = usize::try_from(len)
                .ok()
                .and_then(|l| at.checked_add(l))
                .filter(|&end| end <= bytes.len() - 8)
                .ok_or_else(|| {
                    corrupt(&format!(
                        "part {i} runs past the end of the file (truncated?)"
                    ))
                })?;
            parts.push(&bytes[at..end]);
            at = end;
        }
        if bytes.len() != at + 8 {
            return Err(corrupt(&format!(
                "expected {} bytes, found {} (truncated?)",
                at + 8,
                bytes.len()
            )));
        }
        let stored = u64::from_le_bytes(bytes[at..].try_into().expect("8 bytes"));
        if stored != checksum(&parts) {
            return Err(corrupt(
                "checksum mismatch (the file was altered or damaged)",
            ));
        }
        let state =
            serde_json::from_slice(parts[0]).map_err(|e| corrupt(&format!("bad state: {e}")))?;
        Ok(Self {
            state,
            model: parts[1].to_vec(),
            ema: parts[2].to_vec(),
            optimizer: parts[3].to_vec(),
        })
    }

    /// Replaces `path` in one step: a reader sees the old checkpoint or the new one, never a mix.
    #[cfg(not(target_family = "wasm"))]
    pub fn save_atomic(&self, path: &Path) -> Result<(), CheckpointError> {
        Ok(files::write_atomic(path, &self.to_bytes())?)
    }

    #[cfg(not(target_family = "wasm"))]
    pub fn load(path: &Path) -> Result<Self, CheckpointError> {
        Self::from_bytes(&files::read(path)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::noise::{Noise, Stream};
    use std::fs;

    fn sample() -> Checkpoint {
        Checkpoint {
            state: CheckpointState {
                step: 42,
                ema_updates: 42,
                noise: Noise::new(1, Stream::Sampler).position(),
                settings: serde_json::json!({"lr": 0.001}),
                run: serde_json::json!({"model": "mlp"}),
            },
            model: (0..100u8).collect(),
            ema: (100..200u8).collect(),
            optimizer: vec![7; 33],
        }
    }

    #[test]
    fn round_trips_through_a_file() {
        let dir = std::env::temp_dir().join(format!("ckpt-test-{}", std::process::id()));
        let path = dir.join("run.ckpt");
        sample().save_atomic(&path).unwrap();
        assert_eq!(Checkpoint::load(&path).unwrap(), sample());
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn damaged_files_are_refused_with_a_reason() {
        let good = sample().to_bytes();
        let truncated = &good[..good.len() - 10];
        let mut flipped = good.clone();
        flipped[60] ^= 1;
        for (bytes, needle) in [
            (truncated.to_vec(), "truncated"),
            (flipped, "checksum"),
            (b"hello world, not a checkpoint at all".to_vec(), "header"),
            (Vec::new(), "header"),
        ] {
            let err = Checkpoint::from_bytes(&bytes).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }
}
