//! Display preferences: language and text size.
//!
//! They live in a small JSON file beside (not inside) the local database,
//! because the login and unlock screens must already speak the member's
//! language and size before any secret is known. They hold nothing personal.
//!
//! ```
//! use kenpo_core::prefs::{Locale, Prefs, PrefsStore, TextSize};
//! let dir = tempfile::tempdir().unwrap();
//! let store = PrefsStore::new(dir.path());
//! assert_eq!(store.load().unwrap(), Prefs::default());
//! store.save(&Prefs { locale: Locale::En, text_size: TextSize::Large }).unwrap();
//! assert_eq!(store.load().unwrap().locale, Locale::En);
//! ```

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FILE_NAME: &str = "prefs.json";

/// The UI language. Japanese first: it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    #[default]
    Ja,
    En,
}

/// The text-size switch of the leaflets' portals: 中 (medium) and 大 (large).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TextSize {
    #[default]
    Medium,
    Large,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Prefs {
    pub locale: Locale,
    pub text_size: TextSize,
}

/// The file's shape: every field optional, so a file written by another
/// version keeps what it can. The UI's [`Prefs`] stays strict.
#[derive(Deserialize)]
#[serde(default)]
struct StoredPrefs {
    locale: Locale,
    text_size: TextSize,
}

impl Default for StoredPrefs {
    fn default() -> Self {
        let Prefs { locale, text_size } = Prefs::default();
        Self { locale, text_size }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PrefsError {
    #[error("could not read or write the preferences file: {0}")]
    Io(#[from] io::Error),
}

impl crate::error::Coded for PrefsError {
    fn code(&self) -> crate::error::ErrorCode {
        match self {
            PrefsError::Io(_) => crate::error::ErrorCode::PrefsIo,
        }
    }
}

/// Reads and writes [`Prefs`] in one folder (the app's data folder).
#[derive(Debug, Clone)]
pub struct PrefsStore {
    path: PathBuf,
}

impl PrefsStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            path: dir.join(FILE_NAME),
        }
    }

    /// The saved preferences, or the defaults when none were saved yet.
    ///
    /// A damaged or foreign file falls back to the defaults rather than
    /// failing: losing a language choice is better than an app that will not
    /// open. The next save replaces the file.
    pub fn load(&self) -> Result<Prefs, PrefsError> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(match serde_json::from_slice::<StoredPrefs>(&bytes) {
                Ok(StoredPrefs { locale, text_size }) => Prefs { locale, text_size },
                Err(err) => {
                    tracing::warn!(path = %self.path.display(), %err, "ignoring unreadable preferences");
                    Prefs::default()
                }
            }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Prefs::default()),
            Err(err) => Err(err.into()),
        }
    }

    /// Saves atomically (write a temporary file, sync, rename), so a crash
    /// mid-write leaves the previous preferences, never half a file.
    pub fn save(&self, prefs: &Prefs) -> Result<(), PrefsError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let tmp = self.path.with_extension("json.tmp");
        {
            let mut file = fs::File::create(&tmp)?;
            let json = serde_json::to_vec_pretty(prefs).map_err(io::Error::other)?;
            file.write_all(&json)?;
            file.sync_all()?;
        }
        fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_japanese_and_medium() {
        let prefs = Prefs::default();
        assert_eq!(
            prefs.locale,
            Locale::Ja,
            "Japanese comes first for a kenpo member"
        );
        assert_eq!(prefs.text_size, TextSize::Medium);
    }

    #[test]
    fn saved_prefs_survive_a_new_store() {
        let dir = tempfile::tempdir().unwrap();
        let wanted = Prefs {
            locale: Locale::En,
            text_size: TextSize::Large,
        };
        PrefsStore::new(dir.path()).save(&wanted).unwrap();
        assert_eq!(PrefsStore::new(dir.path()).load().unwrap(), wanted);
    }

    #[test]
    fn save_creates_the_missing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        PrefsStore::new(&nested).save(&Prefs::default()).unwrap();
        assert!(nested.join(FILE_NAME).exists());
    }

    #[test]
    fn damaged_file_falls_back_to_defaults_and_is_replaced_on_save() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        let store = PrefsStore::new(dir.path());
        assert_eq!(store.load().unwrap(), Prefs::default());
        let wanted = Prefs {
            locale: Locale::En,
            text_size: TextSize::Medium,
        };
        store.save(&wanted).unwrap();
        assert_eq!(store.load().unwrap(), wanted);
    }

    #[test]
    fn unknown_and_missing_fields_keep_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(FILE_NAME),
            br#"{"locale":"en","theme":"dark"}"#,
        )
        .unwrap();
        let prefs = PrefsStore::new(dir.path()).load().unwrap();
        assert_eq!(
            prefs,
            Prefs {
                locale: Locale::En,
                text_size: TextSize::Medium
            }
        );
    }

    #[test]
    fn unreadable_path_is_an_io_error_with_a_stable_code() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be: reading it fails with an error other than NotFound.
        fs::create_dir(dir.path().join(FILE_NAME)).unwrap();
        let err = PrefsStore::new(dir.path()).load().unwrap_err();
        assert_eq!(
            crate::error::Coded::code(&err),
            crate::error::ErrorCode::PrefsIo
        );
    }
}
