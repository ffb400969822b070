//! The admin command line, as the insurer's staff run it: the real binary
//! on a SQLite data folder.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenpo-insurer"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("KENPO_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("kenpo-insurer runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn staff_commands_apply_whole_files_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(stdout(&run(d, &["demo"])).contains("demo roster loaded: 7 new"));

    let bad = d.join("catalog.csv");
    std::fs::write(
        &bad,
        "id,name,description,points,stock\nmug,マグカップ,,800,5\nBAD,x,,1,1\nfan,うちわ,,-3,1\n",
    )
    .unwrap();
    let output = run(d, &["catalog", "import", bad.to_str().unwrap()]);
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("line 3: id:"), "{errors}");
    assert!(errors.contains("line 4: points:"), "{errors}");
    assert!(errors.contains("nothing was applied"), "{errors}");

    let checkups = d.join("checkups.csv");
    std::fs::write(
        &checkups,
        "card_symbol,card_number,branch_number,date,height_cm,weight_kg,bmi,smoker,health_age\n\
         10,1001,00,2026-06-01,170.0,65.0,22.5,no,38\n",
    )
    .unwrap();
    let imported = stdout(&run(d, &["checkups", "import", checkups.to_str().unwrap()]));
    assert!(imported.contains("checkups imported: 1 new"), "{imported}");

    let output = run(
        d,
        &[
            "points", "grant", "--member", "U100002", "--code", "walk", "--points", "100",
        ],
    );
    assert!(
        !output.status.success(),
        "no account yet: nothing to grant to"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("no member has this login ID"));

    let posted = stdout(&run(
        d,
        &[
            "notices",
            "post",
            "--title",
            "健診のご案内",
            "--body",
            "今年度の健診を受けましょう。",
        ],
    ));
    assert!(posted.contains("notice 3 published"), "{posted}");
    assert!(stdout(&run(d, &["points", "expire"])).contains("expired 0 points of 0 members"));
    assert_eq!(stdout(&run(d, &["exchanges", "list"])), "");
    let output = run(d, &["exchanges", "ship", "1"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no such order"));
}

/// Each staff command is a security event, by its name only, on stderr:
/// stdout holds the command's output alone, for a file or a pipe.
#[test]
fn staff_commands_are_logged_apart_from_their_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&run(d, &["demo"]));
    let output = Command::new(env!("CARGO_BIN_EXE_kenpo-insurer"))
        .arg("--data-dir")
        .arg(d)
        .args(["exchanges", "list"])
        .env_remove("KENPO_DATABASE_URL")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "", "no log line in the command's output");
    let log = String::from_utf8_lossy(&output.stderr);
    let event = log
        .lines()
        .find(|l| l.contains("admin_action"))
        .unwrap_or_else(|| panic!("no admin_action event in {log}"));
    assert!(event.contains("kenpo_insurer::security"), "{event}");
    assert!(event.contains("exchanges list"), "{event}");
}

#[test]
fn catalog_pictures_are_read_beside_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let folder = d.join("goods");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("mug.png"), b"\x89PNG\r\n\x1a\nmug").unwrap();
    let file = folder.join("catalog.csv");
    std::fs::write(
        &file,
        "id,name,description,points,stock,image\nmug,マグカップ,,800,5,mug.png\n",
    )
    .unwrap();
    let imported = stdout(&run(d, &["catalog", "import", file.to_str().unwrap()]));
    assert!(imported.contains("catalog imported: 1 new"), "{imported}");

    std::fs::write(
        &file,
        "id,name,description,points,stock,image\nmug,マグカップ,,800,5,missing.png\n",
    )
    .unwrap();
    let output = run(d, &["catalog", "import", file.to_str().unwrap()]);
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("line 2: image: cannot read missing.png"),
        "{errors}"
    );
}
