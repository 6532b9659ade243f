//! openapi/openapi.json is what the code generates: regenerate it with
//! `cargo run -p kamscope-server -- openapi > openapi/openapi.json` when the API changes.
#[test]
fn committed_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).expect("openapi/openapi.json exists");
    let generated = kamscope_server::openapi::json();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json has drifted from the code: run `cargo run -p kamscope-server -- openapi > openapi/openapi.json`"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for p in ["/registrations", "/registrations/{aor}", "/registrations/{aor}/contacts", "/health"] {
        assert!(doc["paths"][p].is_object(), "{p} is documented");
    }
}
