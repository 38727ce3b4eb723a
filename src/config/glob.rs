//! Glob patterns for waivers: `*` matches any run of characters (including `/`),
//! `?` matches one character, everything else matches itself.

/// Whether `text` matches `pattern`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pat: Vec<char> = pattern.chars().collect();
    let txt: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*`: its index and the text position it took.
    let mut star: Option<(usize, usize)> = None;
    while t < txt.len() {
        match pat.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == txt[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_stars_and_question_marks() {
        assert!(glob_match("policies/*.json", "policies/a/b.json"));
        assert!(glob_match("arn:aws:s3:::log?-*", "arn:aws:s3:::logs-2024"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("policies/*.json", "other/a.json"));
        assert!(!glob_match("a?", "a"));
        assert!(glob_match("exact", "exact"));
    }
}
