//! Writing output files so that a failed run never leaves a half-written
//! one: everything goes to a temporary sibling first, then is renamed into
//! place.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `files` as the whole contents of directory `dir`, replacing what
/// was there only once every file is written.
/// File names may hold subdirectories (`charts/a.svg`).
pub fn write_dir<N: AsRef<str>, C: AsRef<[u8]>>(dir: &Path, files: &[(N, C)]) -> std::io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let staging = tempfile::Builder::new().prefix(&format!(".{name}.")).tempdir_in(&parent)?;
    for (file, contents) in files {
        let path = staging.path().join(file.as_ref());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut f = fs::File::create(path)?;
        f.write_all(contents.as_ref())?;
        f.sync_all()?;
    }
    let staged = staging.keep();
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        fs::rename(dir, &old)?;
        if let Err(e) = fs::rename(&staged, dir) {
            let _ = fs::rename(&old, dir);
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
        fs::remove_dir_all(&old)?;
    } else if let Err(e) = fs::rename(&staged, dir) {
        let _ = fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
}

/// A temporary file beside `path` (its directory created if missing).
fn sibling(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    tempfile::Builder::new().prefix(".headroom-").tempfile_in(&parent)
}

/// Streams one file to a temporary sibling, then renames it into place.
pub fn write_streamed(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let mut tmp = sibling(path)?;
    write(&mut tmp)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes each file to a temporary sibling, then renames them all into
/// place: a failed run leaves no file half-written.
pub fn write_files(files: &[(&Path, &Vec<u8>)]) -> std::io::Result<()> {
    let mut staged = Vec::new();
    for (path, contents) in files {
        let mut tmp = sibling(path)?;
        tmp.write_all(contents)?;
        tmp.as_file().sync_all()?;
        staged.push((tmp, *path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}
