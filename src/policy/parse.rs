//! Turns a positioned JSON tree into a [`Policy`], validating its structure the
//! way IAM does: known keys only, values case-sensitive, string-or-array where
//! AWS allows it, no empty lists, exactly one of each `X`/`NotX` pair.
//!
//! Structure errors are all collected (one pass over the document) and returned
//! in document order; a JSON syntax error stops at the first.

use super::json::{parse_json, JsonKind, JsonValue, Member, PolicyError};
use super::model::{
    escape_pointer, Condition, ConditionOp, Effect, Item, ItemList, Located, Operator, Policy,
    PrincipalKind, Principals, SetQualifier, Statement,
};
use super::span::Pos;

/// The `Version` values IAM accepts.
pub const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

const TOP_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_KINDS: [PrincipalKind; 4] = [
    PrincipalKind::Aws,
    PrincipalKind::Service,
    PrincipalKind::Federated,
    PrincipalKind::CanonicalUser,
];

/// Parses a policy document strictly.
///
/// On failure the errors are non-empty and in document order: the first JSON
/// syntax error alone, or every structure error found.
pub fn parse_policy(text: &str) -> Result<Policy, Vec<PolicyError>> {
    let root = parse_json(text).map_err(|e| vec![e])?;
    policy_from_json(&root)
}

/// Builds a policy from an already parsed JSON value, for documents embedded in
/// larger files (account snapshots), whose positions then point into that file.
/// Error pointers are relative to the policy document.
pub fn policy_from_json(root: &JsonValue) -> Result<Policy, Vec<PolicyError>> {
    let mut builder = Builder { errors: Vec::new() };
    let policy = builder.policy(root);
    match policy {
        Some(policy) if builder.errors.is_empty() => Ok(policy),
        _ => {
            let mut errors = builder.errors;
            if errors.is_empty() {
                // Every path that yields no policy reports why; this is a safety net.
                errors.push(PolicyError::new(root.pos, "", "invalid policy document"));
            }
            errors.sort_by_key(|e| e.pos.offset);
            Err(errors)
        }
    }
}

struct Builder {
    errors: Vec<PolicyError>,
}

fn child(pointer: &str, token: &str) -> String {
    // Built by hand: this runs for every member of every document parsed.
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    out.push('/');
    if token.contains(['~', '/']) {
        out.push_str(&escape_pointer(token));
    } else {
        out.push_str(token);
    }
    out
}

/// A suggestion for a misspelt key: same letters in another case, or a plural.
fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let singular = key.strip_suffix('s').unwrap_or(key);
    known
        .iter()
        .find(|k| k.eq_ignore_ascii_case(key) || k.eq_ignore_ascii_case(singular))
        .copied()
}

fn list_keys(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// Describes a JSON value for "found ..." in messages, quoting short strings.
fn found(value: &JsonValue) -> String {
    match &value.kind {
        JsonKind::String(s) => format!("the string `{s}`"),
        other => other.describe().to_string(),
    }
}

impl Builder {
    fn error(&mut self, pos: Pos, pointer: impl Into<String>, message: impl Into<String>) {
        self.errors.push(PolicyError::new(pos, pointer, message));
    }

    fn unknown_key(&mut self, member: &Member, pointer: &str, what: &str, known: &[&str]) {
        let hint = match suggest(&member.key, known) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => String::new(),
        };
        self.error(
            member.key_pos,
            child(pointer, &member.key),
            format!(
                "unknown {what} `{}`: expected {}{hint}",
                member.key,
                list_keys(known)
            ),
        );
    }

    fn string(&mut self, value: &JsonValue, pointer: &str, name: &str) -> Option<Located<String>> {
        match value.as_str() {
            Some(s) => Some(Located::new(s.to_string(), value.pos)),
            None => {
                self.error(
                    value.pos,
                    pointer,
                    format!("`{name}` must be a string, found {}", value.kind.describe()),
                );
                None
            }
        }
    }

    fn policy(&mut self, root: &JsonValue) -> Option<Policy> {
        let Some(members) = root.as_object() else {
            self.error(
                root.pos,
                "",
                format!(
                    "expected the policy document to be a JSON object, found {}",
                    root.kind.describe()
                ),
            );
            return None;
        };
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        let mut statement_is_array = false;
        for member in members {
            let pointer = child("", &member.key);
            let value = &member.value;
            match member.key.as_str() {
                "Version" => {
                    if let Some(v) = self.string(value, &pointer, "Version") {
                        if VERSIONS.contains(&v.value.as_str()) {
                            version = Some(v);
                        } else {
                            self.error(
                                value.pos,
                                pointer,
                                format!(
                                    "unsupported `Version` `{}`: expected `2012-10-17` or `2008-10-17`",
                                    v.value
                                ),
                            );
                        }
                    }
                }
                "Id" => id = self.string(value, &pointer, "Id"),
                "Statement" => {
                    statement_is_array = matches!(value.kind, JsonKind::Array(_));
                    statements = self.statements(value);
                }
                _ => self.unknown_key(member, "", "top-level key", &TOP_KEYS),
            }
        }
        if !members.iter().any(|m| m.key == "Statement") {
            self.error(
                root.pos,
                "",
                "policy has no `Statement`: expected a statement object or an array of statements",
            );
        }
        Some(Policy {
            version,
            id,
            statements: statements?,
            statement_is_array,
            pos: root.pos,
        })
    }

    fn statements(&mut self, value: &JsonValue) -> Option<Vec<Statement>> {
        match &value.kind {
            JsonKind::Object(_) => Some(vec![self.statement(value, None)?]),
            JsonKind::Array(items) if items.is_empty() => {
                self.error(
                    value.pos,
                    "/Statement",
                    "`Statement` must not be an empty array",
                );
                None
            }
            JsonKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    if item.as_object().is_none() {
                        self.error(
                            item.pos,
                            format!("/Statement/{i}"),
                            format!("expected a statement object, found {}", found(item)),
                        );
                        ok = false;
                        continue;
                    }
                    match self.statement(item, Some(i)) {
                        Some(s) => out.push(s),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            _ => {
                self.error(
                    value.pos,
                    "/Statement",
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        found(value)
                    ),
                );
                None
            }
        }
    }

    fn statement(&mut self, value: &JsonValue, index: Option<usize>) -> Option<Statement> {
        let base = match index {
            Some(i) => format!("/Statement/{i}"),
            None => "/Statement".to_string(),
        };
        let members = value.as_object()?;
        let errors_before = self.errors.len();
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<Principals> = None;
        let mut action: Option<ItemList> = None;
        let mut resource: Option<ItemList> = None;
        let mut conditions = Vec::new();
        // Keys of each `X`/`NotX` pair seen so far, to report the second one.
        let mut seen_principal: Option<&str> = None;
        let mut seen_action: Option<&str> = None;
        let mut seen_resource: Option<&str> = None;
        for member in members {
            let pointer = child(&base, &member.key);
            let value = &member.value;
            let key = member.key.as_str();
            match key {
                "Sid" => sid = self.string(value, &pointer, "Sid"),
                "Effect" => effect = self.effect(value, &pointer),
                "Principal" | "NotPrincipal" => {
                    if self.exclusive(member, &base, &mut seen_principal) {
                        principal = self.principals(value, &pointer, key);
                    }
                }
                "Action" | "NotAction" => {
                    if self.exclusive(member, &base, &mut seen_action) {
                        action = self.item_list(value, &pointer, key);
                    }
                }
                "Resource" | "NotResource" => {
                    if self.exclusive(member, &base, &mut seen_resource) {
                        resource = self.item_list(value, &pointer, key);
                    }
                }
                "Condition" => conditions = self.conditions(value, &pointer),
                _ => self.unknown_key(member, &base, "statement key", &STATEMENT_KEYS),
            }
        }
        if !members.iter().any(|m| m.key == "Effect") {
            self.error(
                value.pos,
                base.clone(),
                "statement has no `Effect`: expected `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
            );
        }
        if seen_action.is_none() {
            self.error(
                value.pos,
                base.clone(),
                "statement has neither `Action` nor `NotAction`: expected one of them",
            );
        }
        if seen_resource.is_none() && seen_principal.is_none() {
            self.error(
                value.pos,
                base.clone(),
                "statement has neither `Resource` nor `NotResource`: expected one of them \
                 (only statements with a `Principal`, in trust and resource policies, may omit it)",
            );
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Statement {
            index,
            pos: value.pos,
            sid,
            effect: effect?,
            principal,
            action: action?,
            resource,
            conditions,
        })
    }

    /// Records `member` as the one key of its `X`/`NotX` pair; reports it and
    /// returns false when the pair already had a key.
    fn exclusive<'m>(
        &mut self,
        member: &'m Member,
        base: &str,
        seen: &mut Option<&'m str>,
    ) -> bool {
        match seen {
            Some(first) => {
                let message = if *first == member.key {
                    format!("duplicate key `{}`", member.key)
                } else {
                    format!(
                        "statement has both `{first}` and `{}`: expected only one of them",
                        member.key
                    )
                };
                self.error(member.key_pos, child(base, &member.key), message);
                false
            }
            None => {
                *seen = Some(&member.key);
                true
            }
        }
    }

    fn effect(&mut self, value: &JsonValue, pointer: &str) -> Option<Located<Effect>> {
        let text = self.string(value, pointer, "Effect")?;
        let effect = match text.value.as_str() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            other => {
                let hint =
                    if other.eq_ignore_ascii_case("allow") || other.eq_ignore_ascii_case("deny") {
                        " (values are case-sensitive)"
                    } else {
                        ""
                    };
                self.error(
                    value.pos,
                    pointer,
                    format!("invalid `Effect` `{other}`: expected `Allow` or `Deny`{hint}"),
                );
                return None;
            }
        };
        Some(Located::new(effect, value.pos))
    }

    /// A string or a non-empty array of strings.
    fn strings(&mut self, value: &JsonValue, pointer: &str, name: &str) -> Option<Vec<Item>> {
        match &value.kind {
            JsonKind::String(s) => Some(vec![Item {
                value: s.clone(),
                pos: value.pos,
                index: None,
            }]),
            JsonKind::Array(items) if items.is_empty() => {
                self.error(
                    value.pos,
                    pointer,
                    format!("`{name}` must not be an empty array"),
                );
                None
            }
            JsonKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => out.push(Item {
                            value: s.to_string(),
                            pos: item.pos,
                            index: Some(i),
                        }),
                        None => self.error(
                            item.pos,
                            format!("{pointer}/{i}"),
                            format!(
                                "`{name}` elements must be strings, found {}",
                                item.kind.describe()
                            ),
                        ),
                    }
                }
                (out.len() == items.len()).then_some(out)
            }
            other => {
                self.error(
                    value.pos,
                    pointer,
                    format!(
                        "`{name}` must be a string or an array of strings, found {}",
                        other.describe()
                    ),
                );
                None
            }
        }
    }

    fn item_list(&mut self, value: &JsonValue, pointer: &str, key: &str) -> Option<ItemList> {
        let items = self.strings(value, pointer, key)?;
        Some(ItemList {
            negated: key.starts_with("Not"),
            items,
            pos: value.pos,
        })
    }

    fn principals(&mut self, value: &JsonValue, pointer: &str, key: &str) -> Option<Principals> {
        let negated = key == "NotPrincipal";
        match &value.kind {
            JsonKind::String(s) if s == "*" => Some(Principals {
                negated,
                everyone: true,
                entries: Vec::new(),
                pos: value.pos,
            }),
            JsonKind::Object(members) if members.is_empty() => {
                self.error(
                    value.pos,
                    pointer,
                    format!("`{key}` must not be an empty object"),
                );
                None
            }
            JsonKind::Object(members) => {
                let mut entries = Vec::new();
                let mut ok = true;
                for member in members {
                    let kind = PRINCIPAL_KINDS
                        .into_iter()
                        .find(|k| k.as_str() == member.key);
                    let member_pointer = child(pointer, &member.key);
                    let Some(kind) = kind else {
                        let names = PRINCIPAL_KINDS.map(PrincipalKind::as_str);
                        self.unknown_key(member, pointer, "principal type", &names);
                        ok = false;
                        continue;
                    };
                    match self.strings(&member.value, &member_pointer, &member.key) {
                        Some(items) => entries.extend(items.into_iter().map(|item| (kind, item))),
                        None => ok = false,
                    }
                }
                ok.then_some(Principals {
                    negated,
                    everyone: false,
                    entries,
                    pos: value.pos,
                })
            }
            _ => {
                self.error(
                    value.pos,
                    pointer,
                    format!(
                        "`{key}` must be `\"*\"` or an object such as `{{\"AWS\": \"arn:aws:iam::123456789012:root\"}}`, found {}",
                        found(value)
                    ),
                );
                None
            }
        }
    }

    fn conditions(&mut self, value: &JsonValue, pointer: &str) -> Vec<Condition> {
        let Some(operators) = value.as_object() else {
            self.error(
                value.pos,
                pointer,
                format!(
                    "`Condition` must be an object of operators, found {}",
                    value.kind.describe()
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for op_member in operators {
            let op_pointer = child(pointer, &op_member.key);
            let Some(operator) = Operator::parse(&op_member.key) else {
                let hint = match suggest_operator(&op_member.key) {
                    Some(s) => format!(" (did you mean `{s}`?)"),
                    None => String::new(),
                };
                self.error(
                    op_member.key_pos,
                    op_pointer,
                    format!("unknown condition operator `{}`{hint}", op_member.key),
                );
                continue;
            };
            let Some(keys) = op_member.value.as_object() else {
                self.error(
                    op_member.value.pos,
                    op_pointer,
                    format!(
                        "condition operator `{}` must map to an object of condition keys, found {}",
                        op_member.key,
                        found(&op_member.value)
                    ),
                );
                continue;
            };
            for key_member in keys {
                let key_pointer = child(&op_pointer, &key_member.key);
                if let Some(values) = self.condition_values(&key_member.value, &key_pointer) {
                    out.push(Condition {
                        operator: Located::new(operator, op_member.key_pos),
                        key: Located::new(key_member.key.clone(), key_member.key_pos),
                        values,
                    });
                }
            }
        }
        out
    }

    /// A condition value: string, number or boolean (kept as its text), or an array of them.
    fn condition_values(&mut self, value: &JsonValue, pointer: &str) -> Option<Vec<Item>> {
        fn scalar(value: &JsonValue) -> Option<String> {
            match &value.kind {
                JsonKind::String(s) | JsonKind::Number(s) => Some(s.clone()),
                JsonKind::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        }
        if let Some(s) = scalar(value) {
            return Some(vec![Item {
                value: s,
                pos: value.pos,
                index: None,
            }]);
        }
        let Some(items) = value.as_array() else {
            self.error(
                value.pos,
                pointer,
                format!(
                    "condition values must be a string, number or boolean, or an array of them, found {}",
                    value.kind.describe()
                ),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match scalar(item) {
                Some(s) => out.push(Item {
                    value: s,
                    pos: item.pos,
                    index: Some(i),
                }),
                None => self.error(
                    item.pos,
                    format!("{pointer}/{i}"),
                    format!(
                        "condition values must be strings, numbers or booleans, found {}",
                        item.kind.describe()
                    ),
                ),
            }
        }
        (out.len() == items.len()).then_some(out)
    }
}

/// The known operator spelled like `text` up to letter case, if any.
fn suggest_operator(text: &str) -> Option<String> {
    for set in [
        None,
        Some(SetQualifier::ForAllValues),
        Some(SetQualifier::ForAnyValue),
    ] {
        for op in ConditionOp::ALL {
            for if_exists in [false, true] {
                let candidate = Operator { set, op, if_exists }.to_string();
                if candidate.eq_ignore_ascii_case(text) {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<PolicyError> {
        match parse_policy(text) {
            Ok(policy) => panic!("expected errors, parsed {policy:?}"),
            Err(errors) => errors,
        }
    }

    /// The single error of `text`, as `(line, column, pointer, message)`.
    fn only_error(text: &str) -> (u32, u32, String, String) {
        let errors = errors(text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let e = &errors[0];
        (
            e.pos.line,
            e.pos.column,
            e.pointer.clone(),
            e.message.clone(),
        )
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/fixtures/chalk/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn parses_chalk_reference_policies() {
        for name in [
            "trust.json",
            "broad.json",
            "scoped-execution.json",
            "logs-read.json",
        ] {
            let result = parse_policy(&fixture(name));
            assert!(result.is_ok(), "{name}: {:?}", result.err());
        }
    }

    #[test]
    fn reports_missing_comma_in_verbatim_broad_policy() {
        let errors = errors(&fixture("broad-verbatim.json"));
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        // Right after `"application-autoscaling:*"`, where the comma belongs.
        assert_eq!((e.pos.line, e.pos.column), (82, 28));
        assert_eq!(e.pointer, "/Statement/0/Action");
        assert_eq!(
            e.message,
            "missing `,` after this array element (the next one starts at line 83, column 1)"
        );
    }

    #[test]
    fn reports_trailing_comma_once_missing_comma_is_fixed() {
        let text = fixture("broad-verbatim.json").replace(
            "\"application-autoscaling:*\"\n",
            "\"application-autoscaling:*\",\n",
        );
        let (line, column, _, message) = only_error(&text);
        assert_eq!((line, column), (96, 12));
        assert_eq!(message, "trailing comma before `]`");
    }

    #[test]
    fn trust_policy_keeps_principal_and_condition_positions() {
        let policy = parse_policy(&fixture("trust.json")).expect("valid");
        assert_eq!(
            policy.version.as_ref().map(|v| v.value.as_str()),
            Some("2012-10-17")
        );
        assert!(policy.statement_is_array);
        let statement = &policy.statements[0];
        assert_eq!(statement.index, Some(0));
        assert_eq!((statement.pos.line, statement.pos.column), (4, 1));
        assert!(statement.resource.is_none());
        let principal = statement.principal.as_ref().expect("principal");
        assert!(!principal.negated && !principal.everyone);
        assert_eq!(principal.entries.len(), 1);
        let (kind, item) = &principal.entries[0];
        assert_eq!(*kind, PrincipalKind::Aws);
        assert_eq!(
            item.value,
            "arn:aws:iam::754784422779:role/chalk-api-server"
        );
        assert_eq!((item.pos.line, item.pos.column, item.index), (7, 8, None));
        assert_eq!(statement.action.items[0].value, "sts:AssumeRole");
        assert_eq!(statement.action.items[0].index, None);
        let condition = &statement.conditions[0];
        assert_eq!(condition.operator.value.op, ConditionOp::StringEquals);
        assert_eq!(
            (condition.operator.pos.line, condition.operator.pos.column),
            (11, 1)
        );
        assert_eq!(condition.key.value, "sts:ExternalId");
        assert_eq!((condition.key.pos.line, condition.key.pos.column), (12, 1));
        assert_eq!(condition.values[0].value, "<your-chalk-external-id>");
        assert_eq!(condition.values[0].pos.column, 19);
    }

    #[test]
    fn fills_array_indices_and_positions() {
        let text = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\n  \"Action\":[\"s3:Get*\", \"é:x\", \"s3:Put*\"],\"Resource\":\"*\"}}";
        let policy = parse_policy(text).expect("valid");
        assert!(!policy.statement_is_array);
        let statement = &policy.statements[0];
        assert_eq!(statement.index, None);
        assert_eq!(statement.pointer(), "/Statement");
        assert_eq!(statement.effect.value, Effect::Deny);
        let items = &statement.action.items;
        assert_eq!(items.len(), 3);
        assert_eq!(
            (items[0].pos.line, items[0].pos.column, items[0].index),
            (2, 13, Some(0))
        );
        assert_eq!((items[1].pos.column, items[1].index), (24, Some(1)));
        // Columns count characters: `é` is two bytes but one column.
        assert_eq!((items[2].pos.column, items[2].index), (31, Some(2)));
        assert_eq!(statement.action_pointer(&items[2]), "/Statement/Action/2");
        let resource = statement.resource.as_ref().expect("resource");
        assert_eq!(resource.items[0].index, None);
    }

    #[test]
    fn keeps_number_and_boolean_condition_values_as_text() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
"Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThanEquals":{"s3:max-keys":[10, 1.5e2]},
"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*"]}}}]}"#;
        let policy = parse_policy(text).expect("valid");
        let conditions = &policy.statements[0].conditions;
        assert_eq!(conditions.len(), 3);
        assert_eq!(conditions[0].values[0].value, "true");
        assert_eq!(conditions[0].values[0].index, None);
        let numbers: Vec<&str> = conditions[1]
            .values
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(numbers, ["10", "1.5e2"]);
        assert_eq!(conditions[1].values[1].index, Some(1));
        assert_eq!(
            conditions[2].operator.value.set,
            Some(SetQualifier::ForAnyValue)
        );
        assert!(conditions[2].operator.value.if_exists);
    }

    #[test]
    fn parses_everyone_and_negated_principals() {
        let text = r#"{"Statement":[
{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
{"Effect":"Deny","NotPrincipal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"],"CanonicalUser":"abc","Federated":"cognito-identity.amazonaws.com"},"NotAction":"s3:*","NotResource":["arn:aws:s3:::b"]}]}"#;
        let policy = parse_policy(text).expect("valid");
        let first = policy.statements[0].principal.as_ref().expect("principal");
        assert!(first.everyone && !first.negated);
        let second = &policy.statements[1];
        let principal = second.principal.as_ref().expect("principal");
        assert!(principal.negated);
        let kinds: Vec<PrincipalKind> = principal.entries.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [
                PrincipalKind::Service,
                PrincipalKind::Service,
                PrincipalKind::CanonicalUser,
                PrincipalKind::Federated
            ]
        );
        assert_eq!(principal.entries[1].1.index, Some(1));
        assert!(second.action.negated);
        assert!(second.resource.as_ref().is_some_and(|r| r.negated));
    }

    #[test]
    fn parses_url_encoded_documents_from_the_iam_api() {
        let text = fixture("trust.json");
        let encoded: String = text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let decoded = super::super::decode::decode_document(&encoded);
        let policy = parse_policy(&decoded).expect("valid");
        assert_eq!(policy, parse_policy(&text).expect("valid"));
        assert_eq!(policy.statements[0].pos.line, 4);
    }

    #[test]
    fn policies_written_differently_compare_equal() {
        let text = fixture("scoped-execution.json");
        let minified: String = text.lines().collect::<Vec<_>>().join(" ");
        let a = parse_policy(&text).expect("valid");
        let b = parse_policy(&minified).expect("valid");
        assert_ne!(a.statements[1].pos, b.statements[1].pos);
        assert_eq!(a, b);
    }

    #[test]
    fn reports_missing_statement() {
        let (line, column, pointer, message) = only_error("{\"Version\": \"2012-10-17\"}");
        assert_eq!((line, column, pointer.as_str()), (1, 1, ""));
        assert!(message.contains("no `Statement`"), "{message}");
    }

    #[test]
    fn reports_lowercase_effect_as_case_sensitive() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\n  \"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}",
        );
        assert_eq!((line, column), (2, 13));
        assert_eq!(pointer, "/Statement/Effect");
        assert_eq!(
            message,
            "invalid `Effect` `allow`: expected `Allow` or `Deny` (values are case-sensitive)"
        );
    }

    #[test]
    fn reports_unknown_top_level_and_statement_keys() {
        let errors = errors(
            "{\"version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n\"Actions\": \"s3:*\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
        );
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert_eq!((errors[0].pos.line, errors[0].pos.column), (1, 2));
        assert_eq!(errors[0].pointer, "/version");
        assert!(errors[0].message.starts_with(
            "unknown top-level key `version`: expected `Version`, `Id` or `Statement`"
        ));
        assert!(errors[0].message.ends_with("(did you mean `Version`?)"));
        assert_eq!((errors[1].pos.line, errors[1].pos.column), (2, 1));
        assert_eq!(errors[1].pointer, "/Statement/0/Actions");
        assert!(
            errors[1].message.contains("did you mean `Action`?"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn reports_action_as_number() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": 5, \"Resource\": \"*\"}}",
        );
        assert_eq!((line, column), (1, 45));
        assert_eq!(pointer, "/Statement/Action");
        assert_eq!(
            message,
            "`Action` must be a string or an array of strings, found a number"
        );
    }

    #[test]
    fn reports_non_string_array_elements() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"s3:*\", null], \"Resource\": \"*\"}}",
        );
        assert_eq!((line, column), (1, 54));
        assert_eq!(pointer, "/Statement/Action/1");
        assert_eq!(message, "`Action` elements must be strings, found null");
    }

    #[test]
    fn reports_both_action_and_not_action() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"NotAction\": \"iam:*\", \"Resource\": \"*\"}}",
        );
        assert_eq!((line, column), (1, 53));
        assert_eq!(pointer, "/Statement/NotAction");
        assert_eq!(
            message,
            "statement has both `Action` and `NotAction`: expected only one of them"
        );
    }

    #[test]
    fn reports_neither_action_nor_not_action() {
        let (line, column, pointer, message) =
            only_error("{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Resource\": \"*\"}]}");
        assert_eq!((line, column), (2, 3));
        assert_eq!(pointer, "/Statement/0");
        assert!(message.starts_with("statement has neither `Action` nor `NotAction`"));
    }

    #[test]
    fn reports_both_resource_and_not_resource() {
        let (_, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"NotResource\": \"*\"}}",
        );
        assert_eq!(column, 70);
        assert_eq!(pointer, "/Statement/NotResource");
        assert!(message.contains("both `Resource` and `NotResource`"));
    }

    #[test]
    fn requires_resource_unless_statement_has_principal() {
        let (_, _, pointer, message) =
            only_error("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\"}}");
        assert_eq!(pointer, "/Statement");
        assert!(message.starts_with("statement has neither `Resource` nor `NotResource`"));
        let trust = "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}}";
        assert!(parse_policy(trust).is_ok());
    }

    #[test]
    fn reports_empty_arrays() {
        let errors = errors(
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [], \"Resource\": [],\n\"Principal\": {\"AWS\": []}}]}",
        );
        let found: Vec<(u32, u32, &str)> = errors
            .iter()
            .map(|e| (e.pos.line, e.pos.column, e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (1, 46, "`Action` must not be an empty array"),
                (1, 62, "`Resource` must not be an empty array"),
                (2, 22, "`AWS` must not be an empty array"),
            ]
        );
        let (_, _, pointer, message) = only_error("{\"Statement\": []}");
        assert_eq!(pointer, "/Statement");
        assert_eq!(message, "`Statement` must not be an empty array");
    }

    #[test]
    fn reports_unsupported_version() {
        let (line, column, pointer, message) = only_error(
            "{\"Version\": \"2012-10-18\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}",
        );
        assert_eq!((line, column), (1, 13));
        assert_eq!(pointer, "/Version");
        assert_eq!(
            message,
            "unsupported `Version` `2012-10-18`: expected `2012-10-17` or `2008-10-17`"
        );
    }

    #[test]
    fn reports_unknown_principal_kind() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Aws\": \"*\"}, \"Action\": \"sts:AssumeRole\"}}",
        );
        assert_eq!((line, column), (1, 49));
        assert_eq!(pointer, "/Statement/Principal/Aws");
        assert!(message.starts_with(
            "unknown principal type `Aws`: expected `AWS`, `Service`, `Federated` or `CanonicalUser`"
        ));
        assert!(message.ends_with("(did you mean `AWS`?)"));
    }

    #[test]
    fn reports_principal_string_other_than_star() {
        let (_, _, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"arn:aws:iam::1:root\", \"Action\": \"s3:*\"}}",
        );
        assert_eq!(pointer, "/Statement/Principal");
        assert!(
            message.contains("found the string `arn:aws:iam::1:root`"),
            "{message}"
        );
    }

    #[test]
    fn reports_unknown_condition_operator() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\",\n\"Condition\": {\"stringEquals\": {\"aws:x\": \"y\"}}}}",
        );
        assert_eq!((line, column), (2, 15));
        assert_eq!(pointer, "/Statement/Condition/stringEquals");
        assert_eq!(
            message,
            "unknown condition operator `stringEquals` (did you mean `StringEquals`?)"
        );
    }

    #[test]
    fn reports_nested_condition_values() {
        let (_, _, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:ResourceTag/a\": [[\"x\"]]}}}}",
        );
        assert_eq!(
            pointer,
            "/Statement/Condition/StringEquals/aws:ResourceTag~1a/0"
        );
        assert_eq!(
            message,
            "condition values must be strings, numbers or booleans, found an array"
        );
    }

    #[test]
    fn reports_duplicate_keys_inside_condition() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\n\"aws:x\": \"a\",\n\"aws:x\": \"b\"}}}}",
        );
        assert_eq!((line, column), (3, 1));
        assert_eq!(pointer, "/Statement/Condition/StringEquals");
        assert_eq!(message, "duplicate key `aws:x` (first at line 2, column 1)");
    }

    #[test]
    fn reports_duplicate_statement_keys() {
        let (line, column, pointer, message) = only_error(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n \"Statement\": []}",
        );
        assert_eq!((line, column, pointer.as_str()), (2, 2, ""));
        assert!(message.starts_with("duplicate key `Statement`"));
    }

    #[test]
    fn collects_all_structure_errors_in_document_order() {
        let errors = errors(
            "{\"Id\": 1, \"Statement\": [\n{\"Effect\": \"Permit\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n\"oops\",\n{\"Effect\": \"Allow\", \"Action\": true, \"Resource\": \"*\", \"Extra\": 1}]}",
        );
        let lines: Vec<(u32, u32)> = errors.iter().map(|e| (e.pos.line, e.pos.column)).collect();
        assert_eq!(
            lines,
            [(1, 8), (2, 12), (3, 1), (4, 31), (4, 54)],
            "{errors:#?}"
        );
        assert_eq!(errors[2].pointer, "/Statement/1");
        assert_eq!(
            errors[2].message,
            "expected a statement object, found the string `oops`"
        );
    }

    #[test]
    fn rejects_non_object_documents() {
        let (_, _, _, message) = only_error("[1]");
        assert_eq!(
            message,
            "expected the policy document to be a JSON object, found an array"
        );
    }

    /// One JSON-ish edit of a valid policy.
    #[derive(Debug, Clone)]
    enum Edit {
        Delete { at: usize, len: usize },
        Insert { at: usize, text: String },
        Duplicate { at: usize, len: usize },
    }

    fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
        use proptest::prelude::*;
        let token = prop_oneof![
            Just(",".to_string()),
            Just("]".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("{".to_string()),
            Just("\"".to_string()),
            Just(":".to_string()),
            Just("//".to_string()),
            Just("'".to_string()),
            Just("\n".to_string()),
            Just("\"Effect\": \"Deny\",".to_string()),
            Just("\"Action\": 1,".to_string()),
            Just("\"Principal\": {\"AWS\": []},".to_string()),
            Just("\"Condition\": {\"Bool\": {\"a\": [true, {}]}},".to_string()),
            Just("[]".to_string()),
            Just("null".to_string()),
            Just("é".to_string()),
        ];
        prop_oneof![
            (0..2000usize, 1..20usize).prop_map(|(at, len)| Edit::Delete { at, len }),
            (0..2000usize, token).prop_map(|(at, text)| Edit::Insert { at, text }),
            (0..2000usize, 1..40usize).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        ]
    }

    /// Applies edits on character boundaries.
    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for edit in edits {
            let n = chars.len();
            match edit {
                Edit::Delete { at, len } => {
                    let at = at % (n + 1);
                    let end = (at + len).min(n);
                    chars.drain(at..end);
                }
                Edit::Insert { at, text } => {
                    let at = at % (n + 1);
                    chars.splice(at..at, text.chars());
                }
                Edit::Duplicate { at, len } => {
                    let at = at % (n + 1);
                    let end = (at + len).min(n);
                    let copy: Vec<char> = chars[at..end].to_vec();
                    chars.splice(end..end, copy);
                }
            }
        }
        chars.into_iter().collect()
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_mutated_policies(
            which in 0..4usize,
            edits in proptest::collection::vec(edit(), 1..5),
        ) {
            let name = ["trust.json", "broad.json", "scoped-execution.json", "logs-read.json"][which];
            let text = apply(&fixture(name), &edits);
            match parse_policy(&text) {
                Ok(policy) => {
                    proptest::prop_assert!(!policy.statements.is_empty());
                    proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
                }
                Err(errors) => {
                    proptest::prop_assert!(!errors.is_empty());
                    proptest::prop_assert!(errors.windows(2).all(|w| w[0].pos.offset <= w[1].pos.offset));
                    for e in &errors {
                        proptest::prop_assert!(e.pos.line >= 1 && e.pos.offset as usize <= text.len());
                        proptest::prop_assert!(!e.message.is_empty());
                    }
                }
            }
        }

        #[test]
        fn never_panics_on_arbitrary_policy_text(text in proptest::prelude::any::<String>()) {
            if let Err(errors) = parse_policy(&text) {
                proptest::prop_assert!(!errors.is_empty());
            }
        }
    }
}
