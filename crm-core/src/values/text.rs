//! Folding, search terms and cleaning of human-entered text.
//!
//! Salespeople type "Lodz" when the record says "Łódź", paste names from e-mails with
//! non-breaking spaces, and get decomposed accents from some keyboards and PDFs. Folding
//! makes those spellings meet in search and case-insensitive matching; cleaning makes the
//! stored form of the same name the same bytes whichever way it was typed.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The longest term, in bytes, that [`for_each_term`] hands out.
///
/// Longer runs are truncated rather than dropped so that a pasted token (a long URL
/// fragment, a hash) still matches its own prefix without bloating the index.
pub(crate) const MAX_TERM_BYTES: usize = 32;

/// How many times a folded character is folded again before it is kept as it is.
///
/// Compatibility decompositions can yield an uppercase letter (U+210C "ℌ" gives "H"), which
/// must go round once more for `fold` to be idempotent; no real character needs more than
/// a couple of rounds, and the bound keeps hostile input from recursing deeply.
const REFOLD_DEPTH: u8 = 3;

/// Folds `s` for search and case-insensitive matching: lowercase, without diacritics and
/// control characters, with letters such as "ł", "ø" and "ß" spelled in plain Latin.
///
/// `fold("Łódź") == "lodz"`, `fold("STRAßE") == "strasse"`, `fold("ﬁnance") == "finance"`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// Appends the [`fold`] of `s` to `out`, so callers can reuse one buffer.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    // Text with a few accented letters is still mostly ASCII: its ASCII stretches take the
    // ASCII path whole, the other characters one by one.
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (head, tail) = rest.split_at(ascii);
        fold_ascii_into(head, out);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            fold_char(c, out, REFOLD_DEPTH);
        }
        rest = chars.as_str();
    }
}

/// Appends the fold of ASCII text: it needs neither case tables nor decomposition, and
/// without controls it is copied and lowercased in place, not character by character.
fn fold_ascii_into(s: &str, out: &mut String) {
    if s.bytes().any(|b| b.is_ascii_control()) {
        out.extend(s.chars().filter_map(fold_ascii));
    } else {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    }
}

/// The fold of an ASCII character: itself in lower case, or nothing for a control.
fn fold_ascii(c: char) -> Option<char> {
    (!c.is_control()).then(|| c.to_ascii_lowercase())
}

/// Appends the fold of one character to `out`.
///
/// Works character by character because dropping every combining mark makes the canonical
/// reordering of a whole-string NFKD pointless, and it avoids an intermediate string.
fn fold_char(c: char, out: &mut String, depth: u8) {
    if c.is_control() {
        return;
    }
    for lower in c.to_lowercase() {
        // "ŀ" has a compatibility decomposition ("l" + middle dot), so the letter table is
        // consulted before decomposing, not only after.
        if let Some(plain) = plain_latin(lower) {
            out.push_str(plain);
            continue;
        }
        decompose_compatible(lower, |d| {
            if d.is_control() || is_combining_mark(d) {
                return;
            }
            if let Some(plain) = plain_latin(d) {
                out.push_str(plain);
            } else if depth > 0 && !is_lowercase_fixed_point(d) {
                fold_char(d, out, depth - 1);
            } else {
                out.push(d);
            }
        });
    }
}

/// Whether lowercasing `c` gives back exactly `c`.
fn is_lowercase_fixed_point(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// The plain Latin spelling of letters that Unicode does not decompose into a base letter
/// and a diacritic, so that "Łódź" and "Ærøskøbing" fold the way people type them without
/// the special keys.
fn plain_latin(c: char) -> Option<&'static str> {
    let plain = match c {
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ø' | 'Ø' => "o",
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        'ħ' | 'Ħ' => "h",
        'ŧ' | 'Ŧ' => "t",
        'ŀ' | 'Ŀ' => "l",
        'ĸ' => "k",
        'ŋ' | 'Ŋ' => "n",
        'ƒ' | 'Ƒ' => "f",
        _ => return None,
    };
    Some(plain)
}

/// Calls `f` with each search term of `s`: the maximal runs of alphanumeric characters of
/// its [`fold`], each cut to at most [`MAX_TERM_BYTES`] bytes at a character boundary.
///
/// The terms borrow from one buffer holding the folded text, so indexing a field costs one
/// allocation however many terms it has.
pub(crate) fn for_each_term(s: &str, mut f: impl FnMut(&str)) {
    let folded = fold(s);
    if folded.is_ascii() {
        // The same runs, found byte by byte: in ASCII, `is_alphanumeric` is
        // `is_ascii_alphanumeric` and every byte is a character boundary.
        let bytes = folded.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let Some(first) = bytes[start..].iter().position(u8::is_ascii_alphanumeric) else {
                break;
            };
            let from = start + first;
            let len = bytes[from..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len() - from);
            if let Some(run) = folded.get(from..from + len.min(MAX_TERM_BYTES)) {
                f(run);
            }
            start = from + len;
        }
        return;
    }
    for run in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|run| !run.is_empty())
    {
        f(truncate_at_char_boundary(run, MAX_TERM_BYTES));
    }
}

/// The longest prefix of `s` that is at most `max` bytes and ends on a character boundary.
fn truncate_at_char_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    // Index 0 is always a boundary, so the loop ends.
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// The search terms of `s` as owned strings; see [`for_each_term`].
///
/// `terms("Jan-Paweł O'Neil")` is `["jan", "pawel", "o", "neil"]`.
pub(crate) fn terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(s, |term| out.push(term.to_owned()));
    out
}

/// Cleans human-entered single-line text (names, tags, titles) for storage.
///
/// The result is in NFC, so a composed and a decomposed "Ș" are stored as the same bytes;
/// it has no control characters, every run of whitespace (tabs, newlines, no-break spaces)
/// is one ASCII space, and there is no whitespace at either end.
pub(crate) fn clean(s: &str) -> String {
    // Plain ASCII words with single spaces between them (most names and titles) are clean.
    let plain = s.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    if plain {
        return s.to_owned();
    }
    clean_general(s)
}

/// [`clean`] without its shortcut.
fn clean_general(s: &str) -> String {
    // Controls go before NFC: removing one afterwards could leave a base letter and a
    // combining mark side by side uncomposed, and `clean` would not be idempotent.
    let kept = || s.chars().filter(|c| c.is_whitespace() || !c.is_control());
    // Most text (all ASCII text) is already in NFC; the quick check says so without
    // composing.
    if is_nfc_quick(kept()) == IsNormalized::Yes {
        clean_chars(kept(), s.len())
    } else {
        clean_chars(kept().nfc(), s.len())
    }
}

fn clean_chars(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Cleans human-entered multi-line text (notes, addresses, descriptions) for storage.
///
/// The result is in NFC; line breaks are `\n` whether typed as `\r\n`, `\r` or `\n`; tabs
/// are kept and every other control character is removed; blank lines at the start and
/// whitespace at the end are trimmed. Indentation of the first line is kept, because in a
/// pasted address or list it is part of the layout.
pub(crate) fn clean_multiline(s: &str) -> String {
    // Text without carriage returns or controls other than line feeds and tabs, and whose
    // characters are all below U+0300 (most notes, in the languages of Latin script) needs
    // neither the line breaks unified nor NFC: only the trimming.
    if below_combining_marks(s, |b| matches!(b, b'\n' | b'\t')) {
        return trim_multiline(s);
    }
    clean_multiline_general(s)
}

/// Whether every character of `s` is below U+0300 and no control character other than the
/// ASCII bytes `keep` accepts. Such text is in NFC: every character below U+0300 is, and
/// only combining marks (from U+0300 on) combine with those before them.
fn below_combining_marks(s: &str, keep: impl Fn(u8) -> bool) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if !(b.is_ascii_graphic() || b == b' ' || keep(b)) {
                return false;
            }
            i += 1;
        } else if (0xC2..=0xCB).contains(&b) {
            // U+0080 to U+02FF in two bytes; U+0080 to U+009F are controls.
            if b == 0xC2 && bytes.get(i + 1).is_some_and(|&next| next < 0xA0) {
                return false;
            }
            i += 2;
        } else {
            return false;
        }
    }
    true
}

/// [`clean_multiline`] without its shortcut.
fn clean_multiline_general(s: &str) -> String {
    let mut unified = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                unified.push('\n');
            }
            '\n' | '\t' => unified.push(c),
            c if c.is_control() => {}
            c => unified.push(c),
        }
    }
    // NFC after the control characters are gone, for the same reason as in `clean`.
    let normalized: std::borrow::Cow<'_, str> =
        if is_nfc_quick(unified.chars()) == IsNormalized::Yes {
            unified.as_str().into()
        } else {
            unified.nfc().collect::<String>().into()
        };
    trim_multiline(&normalized)
}

/// Trims blank lines at the start and whitespace at the end, keeping the first line's
/// indentation.
fn trim_multiline(normalized: &str) -> String {
    let trimmed = normalized.trim_end();
    let Some(first_visible) = trimmed.find(|c: char| !c.is_whitespace()) else {
        return String::new();
    };
    let line_start = trimmed
        .get(..first_visible)
        .and_then(|head| head.rfind('\n'))
        .map_or(0, |newline| newline + 1);
    trimmed.get(line_start..).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Realistic names and words fold to what a salesperson would type on a plain keyboard.
    #[test]
    fn fold_examples() {
        let cases = [
            ("Łódź", "lodz"),
            ("\u{0218}tefan", "stefan"),
            ("\u{015E}tefan", "stefan"),
            ("S\u{0326}tefan", "stefan"),
            ("S\u{0327}tefan", "stefan"),
            ("François", "francois"),
            ("Ærøskøbing", "aeroskobing"),
            ("STRAßE", "strasse"),
            ("STRAẞE", "strasse"),
            ("Zażółć gęślą jaźń", "zazolc gesla jazn"),
            ("ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "zazolc gesla jazn"),
            ("ﬁnance", "finance"),
            ("Đorđe Þór Œuvre", "dorde thor oeuvre"),
            ("ĦŦŊƑĸŀ ı", "htnfkl i"),
            ("Ŀ", "l"),
            ("Brașov Timișoara Țară", "brasov timisoara tara"),
            ("Île-de-France", "ile-de-france"),
            ("İstanbul", "istanbul"),
            ("ℌello", "hello"),
            ("Tab\tand\nnew\u{7}line", "tabandnewline"),
            ("ASCII Only 123", "ascii only 123"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected, "fold({input:?})");
        }
    }

    /// The shortcut for ASCII characters folds each exactly as the general path does.
    #[test]
    fn ascii_shortcut_agrees_with_the_general_fold() {
        for c in (0..=0x7F_u8).map(char::from) {
            let mut general = String::new();
            fold_char(c, &mut general, REFOLD_DEPTH);
            assert_eq!(
                fold_ascii(c).map(String::from).unwrap_or_default(),
                general,
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    /// Folding by stretches gives what folding each character with the general path gives,
    /// on mixed text (accents, marks, ligatures, controls between ASCII words).
    #[test]
    fn fold_by_stretches_agrees_with_fold_by_character() {
        let cases = [
            "Łódź ŞTEFAN\u{7}ă",
            "oferta întâlnire ofertă\tcontract",
            "S\u{0326}tefan \u{FB01}nance STRAẞE",
            "\u{85}\u{0301}a\u{0}b ℌello Ǆ",
            "",
            "ascii only",
        ];
        for s in cases {
            let mut general = String::new();
            for c in s.chars() {
                fold_char(c, &mut general, REFOLD_DEPTH);
            }
            assert_eq!(fold(s), general, "{s:?}");
        }
    }

    /// `fold_into` appends rather than replaces.
    #[test]
    fn fold_into_appends() {
        let mut buffer = String::from("x:");
        fold_into("Łódź", &mut buffer);
        fold_into("-ABC", &mut buffer);
        assert_eq!(buffer, "x:lodz-abc");
    }

    /// Terms split on everything that is not a letter or digit, after folding.
    #[test]
    fn terms_examples() {
        let cases: [(&str, &[&str]); 6] = [
            (
                "Jan-Paweł O'Neil, jan.kowalski@Example.PL",
                &[
                    "jan", "pawel", "o", "neil", "jan", "kowalski", "example", "pl",
                ],
            ),
            ("Ștefan Popescu", &["stefan", "popescu"]),
            ("  --  ", &[]),
            ("", &[]),
            (
                "ul. Piotrkowska 104/12",
                &["ul", "piotrkowska", "104", "12"],
            ),
            (
                "François-Xavier d’Arcy",
                &["francois", "xavier", "d", "arcy"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(terms(input), expected, "terms({input:?})");
        }
    }

    /// Long runs are cut at 32 bytes, or just before it when a character straddles it.
    #[test]
    fn terms_are_truncated_at_a_char_boundary() {
        let long_ascii = "a".repeat(40);
        assert_eq!(terms(&long_ascii), ["a".repeat(32)]);
        // "ж" is two bytes and is not folded away, so 31 "a" + "ж" would be 33 bytes.
        let straddling = format!("{}жжж", "a".repeat(31));
        assert_eq!(terms(&straddling), ["a".repeat(31)]);
        let cyrillic = "ж".repeat(20);
        assert_eq!(terms(&cyrillic), ["ж".repeat(16)]);
    }

    /// Single-line cleaning collapses whitespace, drops controls and composes accents.
    #[test]
    fn clean_examples() {
        let cases = [
            ("  Jan \t Kowalski\n", "Jan Kowalski"),
            ("S\u{0326}tefan", "\u{0218}tefan"),
            ("\u{0218}tefan", "\u{0218}tefan"),
            ("Fran\u{00A0}\u{2003}çois", "Fran çois"),
            ("Zaż\u{0}ółć", "Zażółć"),
            ("a \u{1} b", "a b"),
            ("e\u{1}\u{301}", "\u{e9}"),
            ("\r\n\t ", ""),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(clean(input), expected, "clean({input:?})");
        }
    }

    /// Multi-line cleaning keeps the layout but unifies line breaks and trims the edges.
    #[test]
    fn clean_multiline_examples() {
        let cases = [
            (
                "ul. Długa 5\r\n00-001 Warszawa\r\n",
                "ul. Długa 5\n00-001 Warszawa",
            ),
            ("line1\rline2", "line1\nline2"),
            (
                "\n \n\t  indented\n\n\ttabbed  \n\n  ",
                "\t  indented\n\n\ttabbed",
            ),
            ("bell\u{7} and\u{0} null", "bell and null"),
            ("S\u{0326}tefan\n", "\u{0218}tefan"),
            ("   \r\n\r\n  ", ""),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(
                clean_multiline(input),
                expected,
                "clean_multiline({input:?})"
            );
        }
    }

    /// Random strings rarely hit the odd characters, so every scalar value is checked alone
    /// and after an uppercase letter (where case mapping and decomposition interact).
    #[test]
    fn fold_is_idempotent_for_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("Ä{c}")] {
                let once = fold(&s);
                assert_eq!(fold(&once), once, "fold of U+{:04X}", u32::from(c));
            }
        }
    }

    /// Properties every input must satisfy; none of these functions may panic.
    fn check_all(s: &str) -> Result<(), TestCaseError> {
        let folded = fold(s);
        prop_assert_eq!(fold(&folded), folded.clone());
        let mut appended = String::from("prefix");
        fold_into(s, &mut appended);
        prop_assert_eq!(appended.strip_prefix("prefix"), Some(folded.as_str()));

        let mut seen = Vec::new();
        for_each_term(s, |term| seen.push(term.to_owned()));
        for term in &seen {
            prop_assert!(!term.is_empty());
            prop_assert!(term.len() <= MAX_TERM_BYTES);
            prop_assert_eq!(fold(term), term.clone());
        }
        prop_assert_eq!(terms(s), seen);

        let cleaned = clean(s);
        prop_assert_eq!(clean(&cleaned), cleaned.clone());
        prop_assert!(!cleaned.starts_with(' ') && !cleaned.ends_with(' '));
        prop_assert!(!cleaned.contains("  "));

        let multi = clean_multiline(s);
        prop_assert_eq!(clean_multiline(&multi), multi.clone());
        prop_assert!(!multi.contains('\r'));
        Ok(())
    }

    /// Every character up to U+036F, between letters and at either end, is cleaned as the
    /// general path cleans it.
    #[test]
    fn clean_shortcuts_agree_on_every_latin_character() {
        for c in ('\u{0}'..='\u{36f}').chain(['\u{2028}', '\u{feff}']) {
            for s in [
                format!("a{c}b"),
                format!("{c}a"),
                format!("a{c}"),
                format!("{c}"),
            ] {
                assert_eq!(clean(&s), clean_general(&s), "{:?}", s);
                assert_eq!(clean_multiline(&s), clean_multiline_general(&s), "{:?}", s);
            }
        }
    }

    /// `clean` and `clean_multiline` give what they give without their shortcuts.
    fn check_clean_shortcuts(s: &str) -> Result<(), TestCaseError> {
        prop_assert_eq!(clean(s), clean_general(s));
        prop_assert_eq!(clean_multiline(s), clean_multiline_general(s));
        Ok(())
    }

    fn check_fold_by_stretches(s: &str) -> Result<(), TestCaseError> {
        let mut general = String::new();
        for c in s.chars() {
            fold_char(c, &mut general, REFOLD_DEPTH);
        }
        prop_assert_eq!(fold(s), general);
        Ok(())
    }

    fn check_ascii_shortcuts(s: &str) -> Result<(), TestCaseError> {
        let folded: String = s.chars().filter_map(fold_ascii).collect();
        prop_assert_eq!(fold(s), folded.clone());
        let expected: Vec<String> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|run| !run.is_empty())
            .map(|run| truncate_at_char_boundary(run, MAX_TERM_BYTES).to_owned())
            .collect();
        prop_assert_eq!(terms(s), expected);
        Ok(())
    }

    proptest! {
        /// Any string at all, including unassigned and private-use code points.
        #[test]
        fn any_string(s in ".*") {
            check_all(&s)?;
        }

        /// Any printable Unicode text.
        #[test]
        fn any_printable(s in "\\PC*") {
            check_all(&s)?;
        }

        /// On ASCII text with controls and punctuation, the byte-wise shortcuts of `fold`
        /// and `for_each_term` give what the character-wise definitions give.
        #[test]
        fn ascii_shortcuts_match_the_definitions(s in "[ -~\\x00-\\x1f\\x7f]{0,80}") {
            check_ascii_shortcuts(&s)?;
        }

        /// Cleaning's shortcuts agree with the general path on ASCII text with spaces, tabs
        /// and line breaks,
        #[test]
        fn clean_shortcuts_on_ascii(s in "[ -~\\t\\n]{0,60}") {
            check_clean_shortcuts(&s)?;
        }

        /// on text with carriage returns and other controls,
        #[test]
        fn clean_shortcuts_on_controls(s in "[ a-z\\x00-\\x1f\\x7f]{0,30}") {
            check_clean_shortcuts(&s)?;
        }

        /// on text with a few non-ASCII characters,
        #[test]
        fn clean_shortcuts_on_accents(s in "[ a-zéŁ\u{0301}\\n\\r]{0,30}") {
            check_clean_shortcuts(&s)?;
        }

        /// on Latin letters beyond ASCII, combining marks and C1 controls,
        #[test]
        fn clean_shortcuts_on_latin(s in "[ a\\n\\t\u{80}-\u{9f}\u{a0}-\u{2ff}\u{300}-\u{36f}]{0,30}") {
            check_clean_shortcuts(&s)?;
        }

        /// and on names and notes as the benchmark writes them: words and single spaces.
        #[test]
        fn clean_shortcuts_on_plain_words(s in "( ?[A-Za-z.,'-]{1,8}){0,12} ?\\n?( [a-z]{1,8}){0,6} ?") {
            check_clean_shortcuts(&s)?;
        }

        /// Folding by stretches agrees with folding character by character on mixed text.
        #[test]
        fn fold_by_stretches_on_mixed_text(s in "[ a-zA-Z\\x00-\\x1f\u{80}-\u{36f}ẞﬁℌǄ]{0,40}") {
            check_fold_by_stretches(&s)?;
        }

        /// The same on long runs of letters and digits, which are cut at 32 bytes.
        #[test]
        fn ascii_shortcuts_cut_long_runs(s in "[a-zA-Z0-9 ]{0,120}") {
            check_ascii_shortcuts(&s)?;
        }

        /// Text dense in letters, marks, whitespace and controls, where folding and
        /// normalization have the most to do.
        #[test]
        fn dense_in_marks(s in "[\\pL\\pM\\pN\\s\\p{Cc}ŁłßẞÆŒŀĿİı\u{0326}\u{0327}]{0,40}") {
            check_all(&s)?;
        }
    }
}
