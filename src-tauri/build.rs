fn main() {
    // tauri.conf.json lives at the workspace root (see ARCHITECTURE.md).
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    let attrs = tauri_build::Attributes::new();
    tauri_build::try_build(attrs.config_path("../tauri.conf.json"))
        .expect("tauri-build failed: is ui/dist built? (cargo xtask ui)");
}
