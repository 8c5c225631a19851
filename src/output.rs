//! Writing the built site: everything goes to a fresh staging folder beside the output
//! folder, which is then swapped in. A failed build never touches the published site.

use crate::render::OutFile;
use rayon::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `files` into `output`, replacing what was there only once all are written.
pub fn write_site(output: &Path, files: &[OutFile]) -> io::Result<()> {
    write_site_with(output, files, &crate::progress::Progress::hidden())
}

/// `write_site`, counting files written on `progress`. Folders are made first, once each;
/// files are then written in parallel.
pub fn write_site_with(
    output: &Path,
    files: &[OutFile],
    progress: &crate::progress::Progress,
) -> io::Result<()> {
    let staging = sibling(output, "staging");
    let old = sibling(output, "old");
    for leftover in [&staging, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)?;
        }
    }
    std::fs::create_dir_all(&staging)?;
    progress.stage("Writing files", files.len());
    let result = (|| {
        let folders: std::collections::BTreeSet<&Path> = files
            .iter()
            .filter_map(|f| Path::new(&f.path).parent())
            .collect();
        for folder in folders {
            std::fs::create_dir_all(staging.join(folder))?;
        }
        files.par_iter().try_for_each(|f| {
            std::fs::write(staging.join(&f.path), &f.bytes)?;
            progress.tick();
            Ok::<(), io::Error>(())
        })
    })();
    progress.finish();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if output.exists() {
        std::fs::rename(output, &old)?;
        if let Err(e) = std::fs::rename(&staging, output) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old, output);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&staging, output)?;
    }
    Ok(())
}

/// `public` → `.public.staging` in the same folder, so the final rename stays on one disk.
fn sibling(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{what}"))
}
