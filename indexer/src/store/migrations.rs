//! The schema's migrations, compiled into the binary: what `sqlx::migrate!` embeds, built
//! without sqlx's `macros` feature. That feature compiles sqlx's Postgres and SQLite
//! drivers a second time, for the proc-macro host: about two minutes of CPU in every clean
//! build, for two macro calls. The checksums are sqlx's own (`Migration::new`: SHA-384 of
//! the SQL), so a database migrated by `migrate!` before is recognised, and the
//! descriptions are the file names' as `migrate!` writes them.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

/// `(version, description, SQL)`, in version order.
type Set = &'static [(i64, &'static str, &'static str)];

macro_rules! migration {
    ($dir:literal, $version:literal, $file:literal, $description:literal) => {
        ($version, $description, include_str!(concat!("../../migrations/", $dir, "/", $file)))
    };
}

/// `migrations/sqlite`.
pub(super) const SQLITE: Set = &[
    migration!("sqlite", 1, "0001_init.sql", "init"),
    migration!("sqlite", 2, "0002_totals.sql", "totals"),
    migration!("sqlite", 3, "0003_model_bases.sql", "model bases"),
    migration!("sqlite", 4, "0004_training_kind.sql", "training kind"),
    migration!("sqlite", 5, "0005_fingerprints.sql", "fingerprints"),
];

/// `migrations/postgres`: the same versions, each with the same columns.
pub(super) const POSTGRES: Set = &[
    migration!("postgres", 1, "0001_init.sql", "init"),
    migration!("postgres", 2, "0002_totals.sql", "totals"),
    migration!("postgres", 3, "0003_model_bases.sql", "model bases"),
    migration!("postgres", 4, "0004_training_kind.sql", "training kind"),
    migration!("postgres", 5, "0005_fingerprints.sql", "fingerprints"),
];

/// The migrator of one set.
pub(super) fn migrator(set: Set) -> Migrator {
    let migrations = set
        .iter()
        .map(|&(version, description, sql)| {
            let no_tx = sql.starts_with("-- no-transaction");
            Migration::new(version, description.into(), MigrationType::Simple, sql.into(), no_tx)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in each folder is embedded, under its version and `migrate!`'s
    /// description (the name after the version, `_` read as a space).
    #[test]
    fn every_migration_file_is_embedded() {
        for (dir, set) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
            let mut files: Vec<(i64, String, String)> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| {
                    let name = e.unwrap().file_name().into_string().unwrap();
                    let stem = name.strip_suffix(".sql").unwrap_or_else(|| panic!("{name}"));
                    let (version, description) = stem.split_once('_').unwrap();
                    let sql = std::fs::read_to_string(path.join(&name)).unwrap();
                    (version.parse().unwrap(), description.replace('_', " "), sql)
                })
                .collect();
            files.sort();
            let embedded: Vec<(i64, String, String)> =
                set.iter().map(|&(v, d, s)| (v, d.to_owned(), s.to_owned())).collect();
            assert_eq!(embedded, files, "{dir}: migrations/ and the embedded set differ");
        }
    }
}
