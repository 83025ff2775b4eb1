//! Making a backup file's directory entry durable, for both backends' backups and restores.

use std::fs::File;
use std::path::Path;

/// Makes a new or renamed file's directory entry durable; best effort (some platforms cannot
/// open a directory).
pub fn sync_parent(path: &Path) {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}
