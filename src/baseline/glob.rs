//! `*`-only glob matching for role names and resource name patterns.

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// (including none) and every other character matches itself.
///
/// With `ignore_case`, ASCII letters compare case-insensitively (IAM role
/// names are unique regardless of case).
pub fn glob_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let pat: Vec<char> = pattern.chars().collect();
    let txt: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    // Greedy matching with backtracking to the last `*`: linear in practice.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < txt.len() {
        if p < pat.len() && pat[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if p < pat.len() && eq(pat[p], txt[t]) {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn star_matches_any_run_including_colons() {
        assert!(glob_match("*:chalk*", "db:chalk-online", false));
        assert!(glob_match("*chalk*", "prod-chalk-scoped", false));
        assert!(glob_match("*", "", false));
        assert!(!glob_match("chalk*", "my-chalk", false));
        assert!(!glob_match("k8s-*", "loadbalancer/app/k8s-x", false));
    }

    #[test]
    fn case_folding_applies_only_when_asked() {
        assert!(glob_match("*chalk*", "ChalkScoped", true));
        assert!(!glob_match("*chalk*", "ChalkScoped", false));
    }

    #[test]
    fn literal_pattern_needs_exact_text() {
        assert!(glob_match("table/chalk", "table/chalk", false));
        assert!(!glob_match("table/chalk", "table/chalks", false));
        assert!(glob_match("a*b*c", "aXXbYYc", false));
        assert!(!glob_match("a*b*c", "aXXbYY", false));
    }
}
