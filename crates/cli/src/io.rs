//! Output helpers shared by the subcommands: atomic writes, progress bars, JSON.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use lineage_core::ingest::Progress;
use serde::Serialize;
use std::{
    io::Write,
    path::{Path, PathBuf},
};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, renamed into
/// place only once complete, so a failure never leaves a partial file behind.
///
/// The result looks as if the file had been written in place:
/// - a symlink is followed, and the file it points to is replaced (the link stays a link);
/// - an existing file keeps its mode, and its owner and group where this process may set
///   them;
/// - a new file gets the mode any other program gives it: 0666 less the umask (a plain
///   temporary file would be 0600).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let path = follow_symlinks(path)?;
    let path = path.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let existing = std::fs::metadata(path).ok();
    let mut tmp = temp_file_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    if let Some(meta) = existing {
        keep_mode_and_owner(tmp.as_file(), &meta)
            .with_context(|| format!("keeping the permissions of {}", path.display()))?;
    }
    tmp.as_file().sync_all().with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The file `path` finally names: symlinks followed (relative targets resolved against the
/// link's folder), up to a limit that stops loops. A path that is not a symlink, or does not
/// exist yet, is its own answer.
fn follow_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)
                    .with_context(|| format!("reading the link {}", current.display()))?;
                current = match current.parent() {
                    Some(parent) => parent.join(target),
                    None => target,
                };
            }
            _ => return Ok(current),
        }
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// A temporary file created with the mode a new file gets from any other program: the
/// system applies the umask to 0666 at creation, as it does for `open(2)` with `O_CREAT`.
fn temp_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Gives `file` the mode of the file it replaces, and its owner and group where allowed
/// (changing the owner needs privileges: without them the new file is ours, as an editor's
/// save would make it).
fn keep_mode_and_owner(file: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes a value as pretty JSON (with a final newline) atomically.
pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

/// Reads and parses a JSON file, naming the file in every error.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not a valid {what}", path.display()))
}

/// An error and its causes on one line, `outer: cause: root cause`, each said once.
///
/// Several library errors (ours and our dependencies') put their source in their own
/// message and also return it from `source()`, so a plain `{:#}` would print
/// "x: No such file or directory (os error 2): No such file or directory (os error 2)".
/// A cause whose text the line already ends with is not printed again.
pub(crate) fn render_error(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.is_empty() {
            line = text;
        } else if !text.is_empty() && !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// The stages of a long command: each stage's start is logged as `[  12.3s] stage` on
/// stderr, and on a terminal a spinner shows the running stage and its elapsed time, so a
/// minutes-long keygen or proof shows it is alive. Off a terminal only the log lines are
/// written (indicatif draws nothing there). The spinner is cleared when dropped.
pub(crate) struct Stages {
    start: std::time::Instant,
    spinner: ProgressBar,
}

impl Stages {
    pub(crate) fn new() -> Self {
        let spinner = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            spinner.set_style(style);
        }
        Self { start: std::time::Instant::now(), spinner }
    }

    /// Logs the start of `name` and shows it under the spinner.
    pub(crate) fn stage(&self, name: &str) {
        let line = format!("[{:>7.1}s] {name}", self.start.elapsed().as_secs_f64());
        self.spinner.set_message(name.to_owned());
        self.spinner.reset_elapsed();
        self.spinner.suspend(|| eprintln!("{line}"));
        self.spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    }
}

impl Drop for Stages {
    fn drop(&mut self) {
        self.spinner.finish_and_clear();
    }
}

/// A progress bar on stderr; invisible when stderr is not a terminal.
pub(crate) struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub(crate) fn new(message: &'static str) -> Self {
        let bar = ProgressBar::hidden();
        bar.set_message(message);
        Self { bar }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn begin(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} files ({per_sec}, eta {eta})",
        ) {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }

    fn advance(&self) {
        self.bar.inc(1);
    }
}

#[cfg(test)]
mod render_tests {
    use super::render_error;
    use anyhow::Context;

    /// An error that, like many, names its source in its message and returns it too.
    #[derive(Debug)]
    struct Io {
        path: &'static str,
        source: std::io::Error,
    }

    impl std::fmt::Display for Io {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}: {}", self.path, self.source)
        }
    }

    impl std::error::Error for Io {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let err = anyhow::Error::new(Io { path: "/nonexistent", source: io });
        assert_eq!(render_error(&err), "/nonexistent: No such file");
        let err = err.context("building the dataset");
        assert_eq!(render_error(&err), "building the dataset: /nonexistent: No such file");
    }

    #[test]
    fn distinct_causes_are_all_said() {
        let err = Err::<(), _>(std::io::Error::other("disk full"))
            .context("writing x.json")
            .context("dataset build")
            .unwrap_err();
        assert_eq!(render_error(&err), "dataset build: writing x.json: disk full");
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::write_atomic;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0)
    }

    #[test]
    fn an_overwritten_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        for want in [0o644, 0o755, 0o600, 0o640] {
            let path = dir.path().join(format!("f{want:o}"));
            std::fs::write(&path, b"old").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(want)).unwrap();
            write_atomic(&path, b"new").unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"new");
            assert_eq!(mode(&path), want, "mode {want:o} not kept");
        }
    }

    #[test]
    fn a_new_file_gets_the_mode_any_program_gives_it() {
        let dir = tempfile::tempdir().unwrap();
        let reference = dir.path().join("by-std");
        std::fs::write(&reference, b"x").unwrap();
        let path = dir.path().join("sub/new.json");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(mode(&path), mode(&reference));
        assert_ne!(mode(&path), 0o600, "a temporary file's 0600 leaked (umask 077 aside)");
    }

    #[test]
    fn writing_through_a_symlink_replaces_its_target() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let target = dir.path().join("real/image.png");
        std::fs::write(&target, b"old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("link.png");
        std::os::unix::fs::symlink("real/image.png", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(mode(&target), 0o644);
    }

    #[test]
    fn a_symlink_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let err = write_atomic(&a, b"x").unwrap_err();
        assert!(format!("{err:#}").contains("too many levels"), "{err:#}");
    }
}
