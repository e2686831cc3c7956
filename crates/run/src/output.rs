//! Writing output so that no run loses a user's file.
//!
//! The promises, checked by `crates/headroom/tests/output.rs`:
//!
//! - **An output is never an input of the same run**: a directory output
//!   may not be, or hold, a file or directory the run reads; a file output
//!   may not be one. Refused always, `--force` or not.
//! - **A directory output replaces only what headroom wrote**: every
//!   directory headroom writes holds a marker file ([`MARKER`]); an
//!   existing directory without one (and not empty), or an existing file
//!   where a directory goes, is refused unless `--force` is given. A file
//!   output never replaces a directory.
//! - **Every path is checked before any work is done**, so a run refused
//!   for one of its outputs has written none of them.
//! - **A failed run changes nothing that existed**: everything is written
//!   to a temporary sibling, synced, then renamed into place.
//! - **At every instant the old or the new output is at the path**: on
//!   Linux a directory is swapped with `renameat2(RENAME_EXCHANGE)`;
//!   elsewhere (or on a file system without it) the old one is first
//!   renamed aside, and a run killed between the two renames leaves it
//!   aside under a name the next run recognises and restores.
//! - **Temporaries of killed runs are recovered**: they are named
//!   `.NAME.headroom-PID-…`; the next write beside them removes those whose
//!   process is gone (on Linux, where that can be told).

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The file that marks a directory as headroom's output.
pub const MARKER: &str = ".headroom-output";

const MARKER_TEXT: &str = "This directory was written by headroom. It is replaced whole when headroom writes here again;\nfiles you put here are lost then. Remove this file to keep headroom from replacing the directory.\n";

/// Why an output path is refused (nothing was written), and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Why, in words.
    pub why: String,
    /// What to do instead.
    pub hint: String,
}

fn refuse(why: impl Into<String>, hint: impl Into<String>) -> Refused {
    Refused { why: why.into(), hint: hint.into() }
}

/// The paths a run reads, to keep its outputs off them.
#[derive(Debug, Default)]
pub struct Inputs {
    paths: Vec<PathBuf>,
}

impl Inputs {
    /// These paths (files or directories, relative to the working directory or absolute).
    pub fn new<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Inputs {
        Inputs { paths: paths.into_iter().map(|p| absolute(p.as_ref())).collect() }
    }

    /// The input that `output` would replace, if any: one at `output` or,
    /// when `output` is a directory, below it.
    fn under(&self, output: &Path, is_dir: bool) -> Option<&Path> {
        self.paths.iter().map(PathBuf::as_path).find(|input| *input == output || (is_dir && input.starts_with(output)))
    }
}

/// Checks that `dir` may be replaced whole by a directory headroom writes.
pub fn check_dir(dir: &Path, inputs: &Inputs, force: bool) -> Result<(), Refused> {
    let target = absolute(dir);
    if let Some(input) = inputs.under(&target, true) {
        let why = if input == target {
            "it is an input of this run".to_owned()
        } else {
            format!("it holds `{}`, an input of this run", input.display())
        };
        return Err(refuse(why, "choose another output directory: writing there would destroy the input"));
    }
    check_parent(dir)?;
    let Ok(meta) = fs::metadata(dir) else { return Ok(()) };
    if force {
        return Ok(());
    }
    if !meta.is_dir() {
        return Err(refuse(
            "it is a file, and the output is a directory",
            "choose another output directory, or pass --force to replace the file",
        ));
    }
    if dir.join(MARKER).is_file() || is_empty_dir(dir) {
        return Ok(());
    }
    Err(refuse(
        format!("it is a directory headroom did not write (it has no {MARKER} file), and replacing it would lose what it holds"),
        "choose another output directory, or pass --force to replace it (once, for output an older headroom wrote)",
    ))
}

/// Checks that `path` may be written as a file: not an input of the run,
/// not a directory, below directories (or none yet).
pub fn check_file(path: &Path, inputs: &Inputs) -> Result<(), Refused> {
    if inputs.under(&absolute(path), false).is_some() {
        return Err(refuse("it is an input of this run", "choose another output file: writing there would destroy the input"));
    }
    if path.is_dir() {
        return Err(refuse("it is a directory, and the output is a file", "name a file"));
    }
    check_parent(path)
}

/// Refuses a path below something that is not a directory.
fn check_parent(path: &Path) -> Result<(), Refused> {
    let mut at = PathBuf::new();
    let components: Vec<Component> = path.components().collect();
    for c in &components[..components.len().saturating_sub(1)] {
        at.push(c);
        if let Ok(meta) = fs::metadata(&at) {
            if !meta.is_dir() {
                return Err(refuse(format!("`{}` is not a directory", at.display()), "choose a path below a directory"));
            }
        }
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).map(|mut entries| entries.next().is_none()).unwrap_or(false)
}

/// `path` made absolute, with symbolic links of its existing part
/// resolved, and `.` and `..` taken away: two names of one file compare
/// equal.
fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    // The longest existing ancestor resolves links; the rest is appended.
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(mut out) = existing.canonicalize() {
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return out;
        }
        match (existing.components().next_back(), existing.parent()) {
            (Some(last), Some(parent)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return path,
        }
    }
}

/// The directory `path` is in, and its name.
fn split(path: &Path) -> (PathBuf, String) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    (parent, name)
}

/// The prefix of this process's temporaries for `name`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.headroom-{}-", std::process::id())
}

/// Removes the temporaries a killed run left beside `name` in `parent`;
/// a directory set aside by the two-rename fallback is put back if `name`
/// is missing.
fn recover(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefix = format!(".{name}.headroom-");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if !process_gone(pid) {
            continue;
        }
        let path = entry.path();
        let target = parent.join(name);
        if rest.ends_with("-old") && fs::symlink_metadata(&target).is_err() && fs::rename(&path, &target).is_ok() {
            continue;
        }
        let _ = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
    }
}

/// Whether process `pid` has ended (and is not this one). Only Linux can
/// tell here; elsewhere temporaries are left for a person to remove.
fn process_gone(pid: u32) -> bool {
    pid != std::process::id()
        && cfg!(target_os = "linux")
        && Path::new("/proc/self").exists()
        && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Writes `files` and the marker as the whole contents of directory `dir`,
/// replacing what was there only once every file is written and synced.
/// File names may hold subdirectories (`charts/a.svg`). Check `dir` with
/// [`check_dir`] first.
pub fn write_dir<N: AsRef<str>, C: AsRef<[u8]>>(dir: &Path, files: &[(N, C)]) -> std::io::Result<()> {
    let (parent, name) = split(dir);
    fs::create_dir_all(&parent)?;
    recover(&parent, &name);
    let staging = tempfile::Builder::new().prefix(&temp_prefix(&name)).tempdir_in(&parent)?;
    let marker: (&str, &[u8]) = (MARKER, MARKER_TEXT.as_bytes());
    for (file, contents) in files.iter().map(|(n, c)| (n.as_ref(), c.as_ref())).chain([marker]) {
        let path = staging.path().join(file);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut f = fs::File::create(path)?;
        f.write_all(contents)?;
        f.sync_all()?;
    }
    let staged = staging.keep();
    let result = if fs::symlink_metadata(dir).is_ok() { swap(&staged, dir) } else { fs::rename(&staged, dir) };
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staged);
        return Err(e);
    }
    // After a swap the old output is at the staging path.
    let _ = if staged.is_dir() { fs::remove_dir_all(&staged) } else { fs::remove_file(&staged) };
    sync_dir(&parent);
    Ok(())
}

/// Puts `new` at `old`'s path and `old` at `new`'s, in one step where the
/// system can.
fn swap(new: &Path, old: &Path) -> std::io::Result<()> {
    match exchange(new, old) {
        Ok(()) => return Ok(()),
        Err(e) if !exchange_unsupported(&e) => return Err(e),
        Err(_) => {}
    }
    // Two renames; a run killed between them leaves the old output at
    // `.NAME.headroom-PID-old`, which the next write puts back.
    let (parent, name) = split(old);
    let aside = parent.join(format!("{}old", temp_prefix(&name)));
    fs::rename(old, &aside)?;
    if let Err(e) = fs::rename(new, old) {
        let _ = fs::rename(&aside, old);
        return Err(e);
    }
    fs::rename(&aside, new)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput));
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths for the call's duration.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Errors that mean "this system or file system cannot exchange".
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)) {
        return true;
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

/// Makes renames in `dir` durable (best effort; not every system can).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A temporary file beside `path` (its directory created if missing),
/// after removing those of killed runs.
fn sibling(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let (parent, name) = split(path);
    fs::create_dir_all(&parent)?;
    recover(&parent, &name);
    tempfile::Builder::new().prefix(&temp_prefix(&name)).tempfile_in(&parent)
}

/// Streams one file to a temporary sibling, then renames it into place.
/// Check `path` with [`check_file`] first.
pub fn write_streamed(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let mut tmp = sibling(path)?;
    write(&mut tmp)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes each file to a temporary sibling, then renames them all into
/// place: a failed run leaves no file half-written. Check each path with
/// [`check_file`] first.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_output_may_not_be_or_hold_an_input() {
        let tmp = tempfile::tempdir().unwrap();
        let topology = tmp.path().join("topology");
        fs::create_dir(&topology).unwrap();
        fs::write(topology.join("a.ron"), "x").unwrap();
        let inputs = Inputs::new([topology.join("a.ron")]);
        for out in [topology.clone(), tmp.path().to_owned(), tmp.path().join("topology/../topology"), topology.join("a.ron")] {
            let why = check_dir(&out, &inputs, true).unwrap_err();
            assert!(why.why.contains("input of this run"), "{out:?}: {why:?}");
        }
        assert_eq!(check_dir(&tmp.path().join("plan"), &inputs, false), Ok(()));
        // Below an input directory is not over it.
        assert_eq!(check_dir(&topology.join("plan"), &inputs, false), Ok(()));
    }

    #[test]
    fn only_marked_or_empty_directories_are_replaced_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let inputs = Inputs::default();
        let dir = tmp.path().join("out");
        fs::create_dir(&dir).unwrap();
        assert_eq!(check_dir(&dir, &inputs, false), Ok(()), "empty");
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        assert!(check_dir(&dir, &inputs, false).unwrap_err().why.contains("did not write"));
        assert_eq!(check_dir(&dir, &inputs, true), Ok(()));
        fs::remove_file(dir.join("notes.txt")).unwrap();
        write_dir(&dir, &[("plan.json", "{}")]).unwrap();
        assert!(dir.join(MARKER).is_file());
        assert_eq!(check_dir(&dir, &inputs, false), Ok(()), "marked");
        let file = tmp.path().join("notes.txt");
        fs::write(&file, "mine").unwrap();
        assert!(check_dir(&file, &inputs, false).unwrap_err().why.contains("is a file"));
        assert!(check_dir(&file.join("plan"), &inputs, true).unwrap_err().why.contains("is not a directory"));
    }

    #[test]
    fn a_file_output_may_not_be_an_input_or_a_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let history = tmp.path().join("history.csv");
        fs::write(&history, "x").unwrap();
        let inputs = Inputs::new([&history]);
        assert!(check_file(&history, &inputs).unwrap_err().why.contains("input of this run"));
        assert!(check_file(tmp.path(), &inputs).unwrap_err().why.contains("is a directory"));
        assert!(check_file(&history.join("x.csv"), &inputs).unwrap_err().why.contains("is not a directory"));
        assert_eq!(check_file(&tmp.path().join("new/forecast.csv"), &inputs), Ok(()));
    }

    #[test]
    fn replacing_a_directory_swaps_it_whole_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("plan");
        write_dir(&dir, &[("a", "1"), ("sub/b", "2")]).unwrap();
        write_dir(&dir, &[("c", "3")]).unwrap();
        let mut names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, [MARKER, "c"]);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "no temporaries beside it");
    }

    #[test]
    fn temporaries_of_dead_processes_are_recovered() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        // A pid above Linux's maximum (2^22) is never alive.
        let dead = 5_000_000;
        let half = tmp.path().join(format!(".plan.headroom-{dead}-x1"));
        fs::create_dir(&half).unwrap();
        fs::write(half.join("plan.json"), "half").unwrap();
        let aside = tmp.path().join(format!(".plan.headroom-{dead}-old"));
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join("plan.json"), "old").unwrap();
        // A live process's temporaries are kept.
        let live = tmp.path().join(format!(".plan.headroom-{}-x2", std::process::id()));
        fs::create_dir(&live).unwrap();
        recover(tmp.path(), "plan");
        assert!(!half.exists());
        assert_eq!(fs::read_to_string(tmp.path().join("plan/plan.json")).unwrap(), "old", "put back");
        assert!(live.exists());
    }

    #[test]
    fn the_fallback_swap_keeps_the_old_directory_until_the_new_is_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("plan"), tmp.path().join("staged"));
        fs::create_dir(&old).unwrap();
        fs::write(old.join("f"), "old").unwrap();
        fs::create_dir(&new).unwrap();
        fs::write(new.join("f"), "new").unwrap();
        swap(&new, &old).unwrap();
        assert_eq!(fs::read_to_string(old.join("f")).unwrap(), "new");
        assert_eq!(fs::read_to_string(new.join("f")).unwrap(), "old");
    }
}
