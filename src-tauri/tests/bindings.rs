//! `ui/src/bindings.ts` must be what the Rust code generates today.
//! `cargo xtask bindings` (KENPO_WRITE_BINDINGS=1) rewrites it.

use std::path::Path;

#[test]
fn typescript_bindings_are_fresh() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("KENPO_WRITE_BINDINGS").is_some() {
        kenpo_desk::export_bindings(&committed).expect("writing the bindings");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    kenpo_desk::export_bindings(&fresh).expect("generating the bindings");
    let fresh = std::fs::read_to_string(fresh).unwrap();
    let committed = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == committed,
        "ui/src/bindings.ts is stale: the Rust commands or types changed. Run `cargo xtask bindings` and commit the result."
    );
}
