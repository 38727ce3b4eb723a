//! Unit tests of the matcher, the exact comparison and the audit.

use super::rbac::{allows, allows_url, compare, Concretizer, Grant, Request, Sym};
use super::*;

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str], names: &[&str]) -> PolicyRule {
    let v = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect();
    PolicyRule {
        api_groups: v(groups),
        resources: v(resources),
        verbs: v(verbs),
        resource_names: v(names),
        ..PolicyRule::default()
    }
}

fn url_rule(urls: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        non_resource_urls: urls.iter().map(|s| (*s).to_owned()).collect(),
        verbs: verbs.iter().map(|s| (*s).to_owned()).collect(),
        ..PolicyRule::default()
    }
}

fn req<'a>(group: &'a str, resource: &'a str, verb: &'a str, name: Option<&'a str>) -> Request<'a> {
    Request {
        group,
        resource,
        verb,
        name,
    }
}

#[test]
fn stars_match_every_value_in_their_position() {
    let r = rule(&["*"], &["*"], &["*"], &[]);
    assert!(allows(
        &r,
        &req("x.example.com", "widgets/scale", "frobnicate", Some("a"))
    ));
    let verbs_only = rule(&[""], &["secrets"], &["*"], &[]);
    assert!(allows(&verbs_only, &req("", "secrets", "escalate", None)));
    assert!(!allows(&verbs_only, &req("apps", "secrets", "get", None)));
}

#[test]
fn subresources_match_exactly_or_through_star_slash() {
    let log = rule(&[""], &["pods/log"], &["get"], &[]);
    assert!(allows(&log, &req("", "pods/log", "get", None)));
    assert!(!allows(&log, &req("", "pods", "get", None)));
    assert!(!allows(&log, &req("", "pods/exec", "get", None)));
    let pods = rule(&[""], &["pods"], &["create"], &[]);
    assert!(
        !allows(&pods, &req("", "pods/exec", "create", None)),
        "pods does not cover pods/exec"
    );
    let scale = rule(&["apps"], &["*/scale"], &["update"], &[]);
    assert!(allows(
        &scale,
        &req("apps", "deployments/scale", "update", None)
    ));
    assert!(!allows(&scale, &req("apps", "deployments", "update", None)));
}

#[test]
fn resource_names_restrict_named_requests_only() {
    let r = rule(&[""], &["configmaps"], &["get", "list"], &["a"]);
    assert!(allows(&r, &req("", "configmaps", "get", Some("a"))));
    assert!(!allows(&r, &req("", "configmaps", "get", Some("b"))));
    assert!(
        !allows(&r, &req("", "configmaps", "list", None)),
        "list names no object"
    );
    let any = rule(&[""], &["configmaps"], &["list"], &[]);
    assert!(allows(&any, &req("", "configmaps", "list", None)));
}

#[test]
fn non_resource_urls_match_exactly_or_by_trailing_star_prefix() {
    let r = url_rule(&["/healthz", "/apis/*"], &["get"]);
    assert!(allows_url(&r, "/healthz", "get"));
    assert!(!allows_url(&r, "/healthz/etcd", "get"));
    assert!(allows_url(&r, "/apis/apps/v1", "get"));
    assert!(!allows_url(&r, "/apis/apps/v1", "post"));
    assert!(
        !allows(&r, &req("", "pods", "get", None)),
        "a URL rule grants no resource"
    );
}

#[test]
fn star_verb_differs_by_verbs_no_list_names() {
    let live = rule(&[""], &["secrets"], &["*"], &[]);
    let documented = rule(
        &[""],
        &["secrets"],
        &[
            "get", "list", "watch", "create", "patch", "update", "delete",
        ],
        &[],
    );
    let difference = compare(&[&live], &[&documented]);
    assert!(difference.missing.is_empty());
    assert!(!difference.extra.is_empty());
    let concretizer = Concretizer::new(&[&live, &documented]);
    for (grant, index) in &difference.extra {
        assert_eq!(*index, 0);
        let Grant::Resource(atom) = grant else {
            panic!("unexpected url grant");
        };
        assert_eq!(atom.verb, Sym::Other, "every named verb is documented");
        let witness = concretizer.witness(atom);
        assert!(allows(&live, &witness.request()), "{witness}");
        assert!(!allows(&documented, &witness.request()), "{witness}");
    }
}

#[test]
fn equal_rule_sets_written_differently_have_no_difference() {
    let split = [
        rule(&[""], &["pods"], &["get"], &[]),
        rule(&[""], &["pods"], &["list"], &[]),
        rule(&[""], &["services"], &["get", "list"], &[]),
    ];
    let merged = rule(&[""], &["services", "pods"], &["list", "get"], &[]);
    let left: Vec<&PolicyRule> = split.iter().collect();
    assert_eq!(compare(&left, &[&merged]), rbac::Difference::default());
}

#[test]
fn every_witness_is_granted_by_one_side_only() {
    let live = [
        rule(&["*"], &["pods/exec", "*/scale"], &["create"], &[]),
        rule(&[""], &["configmaps"], &["get"], &["a", "b"]),
        url_rule(&["/metrics*"], &["get"]),
    ];
    let documented = [
        rule(&[""], &["pods/exec"], &["create", "get"], &[]),
        rule(&[""], &["configmaps"], &["get"], &["a"]),
        url_rule(&["/metrics"], &["get"]),
    ];
    let l: Vec<&PolicyRule> = live.iter().collect();
    let d: Vec<&PolicyRule> = documented.iter().collect();
    let difference = compare(&l, &d);
    let all: Vec<&PolicyRule> = l.iter().chain(&d).copied().collect();
    let concretizer = Concretizer::new(&all);
    let check = |grant: &Grant, granted_by: &[&PolicyRule], not_by: &[&PolicyRule]| match grant {
        Grant::Resource(atom) => {
            let w = concretizer.witness(atom);
            assert!(granted_by.iter().any(|r| allows(r, &w.request())), "{w}");
            assert!(!not_by.iter().any(|r| allows(r, &w.request())), "{w}");
        }
        Grant::Url(path, Sym::Named(verb)) => {
            assert!(
                granted_by.iter().any(|r| allows_url(r, path, verb)),
                "{path}"
            );
            assert!(!not_by.iter().any(|r| allows_url(r, path, verb)), "{path}");
        }
        Grant::Url(..) => {}
    };
    for (grant, _) in &difference.extra {
        check(grant, &l, &d);
    }
    for (grant, _) in &difference.missing {
        check(grant, &d, &l);
    }
    assert!(difference.extra.iter().any(
        |(g, _)| matches!(g, Grant::Url(p, _) if p.starts_with("/metrics") && p != "/metrics")
    ));
    assert!(difference
        .missing
        .iter()
        .any(|(g, _)| matches!(g, Grant::Resource(a) if a.verb == Sym::Named("get".into()))));
    assert!(difference.extra.iter().any(
        |(g, _)| matches!(g, Grant::Resource(a) if a.name == rbac::NameValue::Named("b".into()))
    ));
}

#[test]
fn aggregation_unions_the_selected_cluster_roles() {
    let text = r#"{"kind": "List", "items": [
      {"kind": "ClusterRole", "metadata": {"name": "agg"},
       "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"x/agg": "true"}}]}},
      {"kind": "ClusterRole", "metadata": {"name": "part", "labels": {"x/agg": "true"}},
       "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]},
      {"kind": "ClusterRole", "metadata": {"name": "other", "labels": {"x/agg": "false"}},
       "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}]}
    ]}"#;
    let cluster = Cluster::load(&[crate::policy::SourceFile::new("a.json", text)]).unwrap();
    let rules = effective_rules(&cluster, &cluster.roles[0]);
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].resources, ["secrets"]);
    assert_eq!(rules[0].origin.pointer, "/items/1/rules/0");
}

#[test]
fn bad_input_reports_file_line_and_column() {
    let text = "{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"Role\", \"metadata\": {\"name\": \"r\", \"namespace\": \"n\"},\n   \"rules\": [{\"verbs\": \"get\"}]}]}";
    let error = Cluster::load(&[crate::policy::SourceFile::new("x.json", text)]).unwrap_err();
    let K8sError::Parse {
        file,
        line,
        column,
        message,
    } = error
    else {
        panic!("not a parse error");
    };
    assert_eq!((file.as_str(), line), ("x.json", 3));
    assert!(column > 1);
    assert!(message.contains("`verbs` must be an array"), "{message}");
}

#[test]
fn yaml_manifests_carry_positions_into_findings() {
    let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: chalk-job-reader\n  namespace: chalk\nrules:\n- apiGroups: [batch]\n  resources: [jobs]\n  verbs: [get, list, watch]\n- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get]\n";
    let profile = K8sProfile::builtin().unwrap();
    let findings = audit(
        &[crate::policy::SourceFile::new("r.yaml", text)],
        &profile,
        &AuditOptions::default(),
    )
    .unwrap();
    let beyond = findings
        .iter()
        .find(|f| f.rule == "rbac-grant-beyond-baseline")
        .unwrap();
    assert_eq!(beyond.location.line, Some(10));
    assert_eq!(beyond.location.pointer, "/rules/1");
    assert!(beyond.message.contains("get secrets"), "{}", beyond.message);
}

#[test]
fn dangerous_grants_cover_escalate_bind_impersonate_and_star() {
    assert_eq!(
        dangerous_grants(&rule(
            &["rbac.authorization.k8s.io"],
            &["clusterroles"],
            &["bind"],
            &[]
        )),
        ["bind clusterroles"]
    );
    assert_eq!(
        dangerous_grants(&rule(&[""], &["users"], &["impersonate"], &[])),
        ["impersonate users"]
    );
    assert_eq!(
        dangerous_grants(&rule(&["*"], &["*"], &["*"], &[])),
        ["* on *"]
    );
    assert!(dangerous_grants(&rule(&[""], &["secrets"], &["*"], &[])).is_empty());
}

#[test]
fn options_switch_optional_rules_and_subjects() {
    let profile = K8sProfile::builtin().unwrap();
    let options = AuditOptions {
        namespace: Some("features".into()),
        management: vec!["User:chalk-admin".into()],
        allow_pod_exec: Some(true),
        ..AuditOptions::default()
    };
    let applied = profile.with_options(&options);
    assert!(applied.allow_pod_exec && !applied.allow_rbac_read);
    let subjects = applied.subjects(Holder::Management).unwrap();
    assert_eq!(subjects[0].kind, SubjectKind::User);
    assert_eq!(
        applied.documented_roles().unwrap()[1]
            .role
            .namespace
            .as_deref(),
        Some("features")
    );
}
