use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `bytes` in one step: a temporary file in the same folder, synced, renamed
/// over the target, and the folder synced so the rename itself survives a crash. A reader (or a
/// run killed half-way) sees the old content or the new, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, path)?;
    fs::File::open(dir)?.sync_all()
}

pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    fs::read(path)
}
