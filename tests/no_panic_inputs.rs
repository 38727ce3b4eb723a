//! Property: the other inputs iamscope reads (account snapshot pages, Kubernetes manifests
//! and dumps, `iamscope.toml`, Terraform plans) give a result or an error, never a panic,
//! whatever their text: arbitrary strings, and real fixtures cut or changed at any point.

use iamscope::account::load_snapshot_texts;
use iamscope::k8s::Cluster;
use iamscope::{config, terraform};
use proptest::prelude::*;

const FIXTURES: [&str; 6] = [
    include_str!("../fixtures/demo-account/auth-details-page1.json"),
    include_str!("../fixtures/demo-account/tagging-us-east-1-page1.json"),
    include_str!("../fixtures/k8s/manifests.yaml"),
    include_str!("../fixtures/demo-account/kubernetes/cluster.json"),
    include_str!("../fixtures/config/waived/iamscope.toml"),
    include_str!("../fixtures/terraform/chalk-plan.json"),
];

/// Inserts a string at a character boundary.
fn spliced(text: &str, at: prop::sample::Index, insert: &str) -> String {
    let mut at = at.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}{insert}{}", &text[..at], &text[at..])
}

/// A real input of any kind, truncated, spliced with short text, or both; or arbitrary text.
fn text() -> impl Strategy<Value = String> {
    let edited = (
        prop::sample::select(&FIXTURES[..]),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop_oneof![
            Just(String::new()),
            "[\\[\\]{}:,\"' \\n\u{e9}\u{20ac}-]{1,4}",
            any::<String>(),
        ],
    )
        .prop_map(|(text, cut, at, insert)| {
            let mut end = cut.index(text.len() + 1).max(text.len() / 2);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            spliced(&text[..end], at, &insert)
        });
    prop_oneof![3 => edited, 1 => any::<String>()]
}

fn read_all(text: &str) {
    let _ = load_snapshot_texts(&[("page.json".to_string(), text.to_string())]);
    let _ = Cluster::default().load_text("cluster.yaml", text);
    let _ = config::parse("iamscope.toml", text);
    let _ = terraform::read_plan(text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_reader_returns_instead_of_panicking(text in text()) {
        read_all(&text);
    }
}

#[test]
fn the_fixtures_themselves_are_read_without_error() {
    // The property above is only meaningful if the untouched inputs are valid ones.
    assert!(load_snapshot_texts(&[("p.json".to_string(), FIXTURES[0].to_string())]).is_ok());
    assert!(Cluster::default().load_text("m.yaml", FIXTURES[2]).is_ok());
    assert!(Cluster::default().load_text("c.json", FIXTURES[3]).is_ok());
    assert!(config::parse("iamscope.toml", FIXTURES[4]).is_ok());
    assert!(terraform::read_plan(FIXTURES[5]).is_ok());
}
