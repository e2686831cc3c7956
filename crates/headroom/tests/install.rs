//! `ci/install-headroom`, the GitHub Action's installer, against a release
//! laid out as .github/workflows/release.yml publishes it (served from a
//! file:// URL): the binary is installed after its SHA-256 is checked, a
//! tampered archive is refused, and an installed version is kept.

mod common;

use std::fs;
use std::process::Command;

use common::workspace;

fn target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        _ => None,
    }
}

#[test]
fn the_installer_checks_and_installs_a_release_binary() {
    let Some(target) = target() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let name = format!("headroom-{version}-{target}");
    let release = tmp.path().join("releases").join(&version);
    let staging = tmp.path().join(&name);
    fs::create_dir_all(&release).unwrap();
    fs::create_dir_all(&staging).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_headroom"), staging.join("headroom")).unwrap();
    let archive = format!("{name}.tar.gz");
    let sh = |script: &str| Command::new("bash").arg("-c").arg(script).current_dir(tmp.path()).status().unwrap().success();
    assert!(sh(&format!(
        "tar -czf releases/{version}/{archive} {name} && cd releases/{version} && sha256sum {archive} > {archive}.sha256"
    )));

    let install = |bin: &std::path::Path| {
        Command::new(workspace().join("ci/install-headroom"))
            .env("HEADROOM_VERSION", &version)
            .env("HEADROOM_RELEASES", format!("file://{}", tmp.path().join("releases").display()))
            .env("HEADROOM_BIN", bin)
            .output()
            .unwrap()
    };
    let bin = tmp.path().join("bin");
    let out = install(&bin);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("prebuilt"));
    let ran = Command::new(bin.join("headroom")).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&ran.stdout).contains(env!("CARGO_PKG_VERSION")));
    // Installed already: kept, not downloaded again.
    let again = install(&bin);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already installed"));

    // A tampered archive is refused, and nothing is installed.
    assert!(sh(&format!("echo tampered >> releases/{version}/{archive}")));
    let other = tmp.path().join("other-bin");
    let out = install(&other);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match its SHA-256"));
    assert!(!other.join("headroom").exists());
}
