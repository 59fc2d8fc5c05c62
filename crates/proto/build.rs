//! Generates the v1 contract with a vendored `protoc`, so a build never needs
//! one installed on the machine.

// Setting PROTOC for prost-build is the one unsafe call; a build script has a
// single thread, so nothing can race with it.
#![allow(unsafe_code)]

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: no other thread exists in a build script.
    unsafe { std::env::set_var("PROTOC", protoc) };

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let files = [
        "modstream/v1/events.proto",
        "modstream/v1/ingest.proto",
        "modstream/v1/responsiveness.proto",
        "modstream/v1/safeguarding.proto",
    ];
    for file in files {
        println!("cargo:rerun-if-changed={}", root.join(file).display());
    }
    let descriptor = PathBuf::from(std::env::var("OUT_DIR")?).join("modstream_descriptor.bin");
    tonic_prost_build::configure()
        .codec_path("crate::codec::ModstreamCodec")
        .file_descriptor_set_path(descriptor)
        .compile_protos(&files.map(|f| root.join(f)), &[root])?;
    Ok(())
}
