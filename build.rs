//! Rebuilds the binary when anything under responses/ changes: the content is embedded with
//! `include_dir!`, which stable Rust cannot track by itself.

fn main() {
    println!("cargo:rerun-if-changed=responses");
}
