//! Validation and normalization of contact data: e-mail addresses, phone numbers, web
//! domains, URLs, language tags and country codes.
//!
//! Every validator returns the value in the one form the library stores, or a reason that
//! reads after the field name ("invalid email: is not a valid email address: …"). Reasons
//! never quote the input, because the input is personal data and errors end up in logs.

use std::net::Ipv4Addr;

use unicode_normalization::UnicodeNormalization;

/// RFC 5321 limit on a whole address as it travels in `MAIL FROM`/`RCPT TO`.
const MAX_EMAIL_BYTES: usize = 254;

/// RFC 5321 limit on the part before the `@`.
const MAX_LOCAL_PART_BYTES: usize = 64;

/// RFC 1035 limit on a domain name in its textual form.
const MAX_DOMAIN_BYTES: usize = 253;

/// RFC 1035 limit on one dot-separated part of a domain.
const MAX_LABEL_CHARS: usize = 63;

/// The fewest digits an E.164 number may have after the `+`; shorter input is almost
/// always a fragment or an internal extension rather than a reachable number.
const MIN_E164_DIGITS: usize = 8;

/// The most digits an E.164 number may have after the `+` (ITU-T E.164 section 6).
const MAX_E164_DIGITS: usize = 15;

/// The most digits the phone scanner collects before giving up: the longest number plus an
/// international prefix and a trunk prefix, with room to spare. It bounds the work done on
/// hostile input.
const MAX_SCANNED_DIGITS: usize = 24;

/// Validates an e-mail address and returns it trimmed, with the domain lowercased.
///
/// The local part is kept as typed: mail servers may treat it case-sensitively, and the
/// user expects to see what they entered. Internationalized local parts and domains (with
/// letters such as "ł" or "ș") are accepted. Use [`email_key`] to compare addresses.
pub(crate) fn email(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("is empty");
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err("is not a valid email address: it has no @");
    };
    if domain.contains('@') {
        return Err("is not a valid email address: it has more than one @");
    }
    check_local_part(local)?;
    let domain = nfc_lowercase(domain);
    check_domain(&domain).map_err(|problem| problem.reason(HostContext::Email))?;
    let address = format!("{local}@{domain}");
    if address.len() > MAX_EMAIL_BYTES {
        return Err("is not a valid email address: it is longer than 254 bytes");
    }
    Ok(address)
}

/// Checks the part of an address before the `@`.
///
/// ASCII punctuation is limited to what RFC 5322 allows unquoted, which refuses pasted
/// fragments such as `"Jan" <jan` early; quoted local parts are not supported because no
/// salesperson types them. Non-ASCII characters are allowed (RFC 6531).
fn check_local_part(local: &str) -> Result<(), &'static str> {
    if local.is_empty() {
        return Err("is not a valid email address: nothing comes before the @");
    }
    if local.len() > MAX_LOCAL_PART_BYTES {
        return Err("is not a valid email address: the part before the @ is longer than 64 bytes");
    }
    if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "is not a valid email address: the part before the @ contains a space or a control character",
        );
    }
    let allowed =
        |c: char| !c.is_ascii() || c.is_ascii_alphanumeric() || ".!#$%&'*+-/=?^_`{|}~".contains(c);
    if !local.chars().all(allowed) {
        return Err(
            "is not a valid email address: the part before the @ contains a character that is not allowed",
        );
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(
            "is not a valid email address: the part before the @ starts or ends with a dot or has two dots in a row",
        );
    }
    Ok(())
}

/// The key under which an address already validated by [`email`] is unique and looked up.
///
/// Lowercased so that "Jan.Kowalski@X.pl" and "jan.kowalski@x.pl" collide, but not
/// diacritic-folded: "josé@x.pl" and "jose@x.pl" are different mailboxes. It is also put in
/// NFC, so that an "ș" typed on a keyboard that sends "s" plus a combining comma is the
/// same key as the precomposed letter.
///
/// Callers may also build the key of raw input (trimmed) to look an address up: it equals
/// the key of the validated address, because [`email`] changes nothing but the domain's
/// case and normalization.
pub(crate) fn email_key(valid_email: &str) -> String {
    nfc_lowercase(valid_email)
}

/// Puts text in the form host names and e-mail keys are compared and stored in: NFC,
/// then lowercase.
///
/// NFC comes first so that a decomposed "ș" becomes one alphabetic character before
/// validation looks at it; NFC runs again after lowercasing because a lowercase mapping
/// may leave a sequence that composes.
fn nfc_lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    lower.nfc().collect()
}

/// Why a host is not a valid domain name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DomainProblem {
    /// Longer than [`MAX_DOMAIN_BYTES`].
    TooLong,
    /// A single label; a bare "localhost" or "gmail" is a typo in a CRM, not a host.
    NoDot,
    /// A label is empty (two dots in a row, or a dot at either end) or too long.
    LabelLength,
    /// A character other than a letter, an ASCII digit, a hyphen or a dot.
    Character,
    /// A label starts or ends with a hyphen.
    EdgeHyphen,
    /// The last label is all digits, which no top-level domain is (and IPv4 addresses are).
    NumericTld,
}

/// Which value a domain is part of, so that a reason names the right thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostContext {
    /// The part of an e-mail address after the `@`.
    Email,
    /// A website domain on its own.
    Web,
    /// The host of a URL.
    Url,
}

impl DomainProblem {
    /// The reason reported for this problem when it is found in `context`.
    fn reason(self, context: HostContext) -> &'static str {
        use DomainProblem as P;
        use HostContext as C;
        match (context, self) {
            (C::Email, P::TooLong) => {
                "is not a valid email address: the domain is longer than 253 bytes"
            }
            (C::Email, P::NoDot) => "is not a valid email address: the domain has no dot",
            (C::Email, P::LabelLength) => {
                "is not a valid email address: a part of the domain is empty or longer than 63 characters"
            }
            (C::Email, P::Character) => {
                "is not a valid email address: the domain may contain only letters, digits, hyphens and dots"
            }
            (C::Email, P::EdgeHyphen) => {
                "is not a valid email address: a part of the domain starts or ends with a hyphen"
            }
            (C::Email, P::NumericTld) => {
                "is not a valid email address: the domain ends in a part made only of digits"
            }
            (C::Web, P::TooLong) => "is not a valid domain: it is longer than 253 bytes",
            (C::Web, P::NoDot) => "is not a valid domain: it has no dot",
            (C::Web, P::LabelLength) => {
                "is not a valid domain: a part of it is empty or longer than 63 characters"
            }
            (C::Web, P::Character) => {
                "is not a valid domain: it may contain only letters, digits, hyphens and dots"
            }
            (C::Web, P::EdgeHyphen) => {
                "is not a valid domain: a part of it starts or ends with a hyphen"
            }
            (C::Web, P::NumericTld) => {
                "is not a valid domain: it ends in a part made only of digits"
            }
            (C::Url, P::TooLong) => "is not a valid URL: the host is longer than 253 bytes",
            (C::Url, P::NoDot) => "is not a valid URL: the host has no dot",
            (C::Url, P::LabelLength) => {
                "is not a valid URL: a part of the host is empty or longer than 63 characters"
            }
            (C::Url, P::Character) => {
                "is not a valid URL: the host may contain only letters, digits, hyphens and dots"
            }
            (C::Url, P::EdgeHyphen) => {
                "is not a valid URL: a part of the host starts or ends with a hyphen"
            }
            (C::Url, P::NumericTld) => {
                "is not a valid URL: the host ends in a part made only of digits"
            }
        }
    }
}

/// Checks a host already put through [`nfc_lowercase`] against the rules for a domain
/// name: at least two labels of 1–63 letters, ASCII digits or hyphens, no hyphen at either
/// end of a label, and a top-level domain that is not all digits.
///
/// Letters are any Unicode letters so that internationalized domains such as "łódź.pl"
/// are accepted in the form people read them, not only as Punycode.
fn check_domain(domain: &str) -> Result<(), DomainProblem> {
    if domain.len() > MAX_DOMAIN_BYTES {
        return Err(DomainProblem::TooLong);
    }
    if !domain.contains('.') {
        return Err(DomainProblem::NoDot);
    }
    let mut last_label = "";
    for label in domain.split('.') {
        let chars = label.chars().count();
        if chars == 0 || chars > MAX_LABEL_CHARS {
            return Err(DomainProblem::LabelLength);
        }
        if !label
            .chars()
            .all(|c| c.is_alphabetic() || c.is_ascii_digit() || c == '-')
        {
            return Err(DomainProblem::Character);
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DomainProblem::EdgeHyphen);
        }
        last_label = label;
    }
    if last_label.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DomainProblem::NumericTld);
    }
    Ok(())
}

/// A region's telephone numbering facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    /// ISO 3166-1 alpha-2 code, uppercase.
    code: &'static str,
    /// ITU country calling code.
    calling_code: u16,
    /// What is dialled before a national number within the country and is not part of
    /// the E.164 form, if the country has such a prefix.
    trunk_prefix: Option<&'static str>,
}

/// Shorthand for a [`Region`] entry, to keep the table readable.
const fn region(code: &'static str, calling_code: u16, trunk: &'static str) -> Region {
    Region {
        code,
        calling_code,
        trunk_prefix: if trunk.is_empty() { None } else { Some(trunk) },
    }
}

/// Regions whose national numbers can be turned into E.164, sorted by code.
///
/// An empty trunk prefix means the country has none and the leading digit is part of the
/// number: Poland, Spain, Portugal, the Nordic countries except Finland and Sweden, and
/// Italy, whose landlines keep their 0 ("+39 06 …"). Hungary's trunk prefix is "06";
/// Russia's and Kazakhstan's is "8"; Lithuania switched from "8" to "0" in 2024–2025.
/// Mexico dropped its "01" in 2019. Belarus is left out: its "8 0…" prefix is in transition
/// and cannot be stripped reliably without per-number rules.
const REGIONS: &[Region] = &[
    region("AD", 376, ""),
    region("AE", 971, "0"),
    region("AG", 1, "1"),
    region("AI", 1, "1"),
    region("AL", 355, "0"),
    region("AM", 374, "0"),
    region("AS", 1, "1"),
    region("AT", 43, "0"),
    region("AU", 61, "0"),
    region("AX", 358, "0"),
    region("AZ", 994, "0"),
    region("BA", 387, "0"),
    region("BB", 1, "1"),
    region("BD", 880, "0"),
    region("BE", 32, "0"),
    region("BG", 359, "0"),
    region("BH", 973, ""),
    region("BM", 1, "1"),
    region("BR", 55, "0"),
    region("BS", 1, "1"),
    region("CA", 1, "1"),
    region("CH", 41, "0"),
    region("CL", 56, ""),
    region("CN", 86, "0"),
    region("CY", 357, ""),
    region("CZ", 420, ""),
    region("DE", 49, "0"),
    region("DK", 45, ""),
    region("DM", 1, "1"),
    region("DO", 1, "1"),
    region("DZ", 213, "0"),
    region("EE", 372, ""),
    region("EG", 20, "0"),
    region("ES", 34, ""),
    region("FI", 358, "0"),
    region("FO", 298, ""),
    region("FR", 33, "0"),
    region("GB", 44, "0"),
    region("GD", 1, "1"),
    region("GE", 995, "0"),
    region("GG", 44, "0"),
    region("GI", 350, ""),
    region("GL", 299, ""),
    region("GR", 30, ""),
    region("GU", 1, "1"),
    region("HK", 852, ""),
    region("HR", 385, "0"),
    region("HU", 36, "06"),
    region("ID", 62, "0"),
    region("IE", 353, "0"),
    region("IL", 972, "0"),
    region("IM", 44, "0"),
    region("IN", 91, "0"),
    region("IS", 354, ""),
    region("IT", 39, ""),
    region("JE", 44, "0"),
    region("JM", 1, "1"),
    region("JO", 962, "0"),
    region("JP", 81, "0"),
    region("KE", 254, "0"),
    region("KN", 1, "1"),
    region("KR", 82, "0"),
    region("KW", 965, ""),
    region("KY", 1, "1"),
    region("KZ", 7, "8"),
    region("LB", 961, "0"),
    region("LC", 1, "1"),
    region("LI", 423, "0"),
    region("LT", 370, "0"),
    region("LU", 352, ""),
    region("LV", 371, ""),
    region("MA", 212, "0"),
    region("MC", 377, "0"),
    region("MD", 373, "0"),
    region("ME", 382, "0"),
    region("MK", 389, "0"),
    region("MP", 1, "1"),
    region("MS", 1, "1"),
    region("MT", 356, ""),
    region("MX", 52, ""),
    region("MY", 60, "0"),
    region("NG", 234, "0"),
    region("NL", 31, "0"),
    region("NO", 47, ""),
    region("NZ", 64, "0"),
    region("OM", 968, ""),
    region("PH", 63, "0"),
    region("PK", 92, "0"),
    region("PL", 48, ""),
    region("PR", 1, "1"),
    region("PT", 351, ""),
    region("QA", 974, ""),
    region("RO", 40, "0"),
    region("RS", 381, "0"),
    region("RU", 7, "8"),
    region("SA", 966, "0"),
    region("SE", 46, "0"),
    region("SG", 65, ""),
    region("SI", 386, "0"),
    region("SJ", 47, ""),
    region("SK", 421, "0"),
    region("SM", 378, ""),
    region("SX", 1, "1"),
    region("TC", 1, "1"),
    region("TH", 66, "0"),
    region("TN", 216, ""),
    region("TR", 90, "0"),
    region("TT", 1, "1"),
    region("TW", 886, "0"),
    region("UA", 380, "0"),
    region("US", 1, "1"),
    region("VA", 39, ""),
    region("VC", 1, "1"),
    region("VG", 1, "1"),
    region("VI", 1, "1"),
    region("VN", 84, "0"),
    region("XK", 383, "0"),
    region("ZA", 27, "0"),
];

/// Every country calling code assigned by the ITU (E.164 annex to the ITU Operational
/// Bulletin), including the global services (800 freephone, 808 shared cost, 870
/// Inmarsat, 881–883 international networks, 888, 979 premium rate), sorted as strings.
///
/// The codes form a prefix code, so at most one of them starts any digit string. Spare
/// codes (for example 210, 259, 384, 422, 671, 684, 991) are absent so that a mistyped
/// country code is refused rather than stored.
const CALLING_CODES: &[&str] = &[
    "1", "20", "211", "212", "213", "216", "218", "220", "221", "222", "223", "224", "225", "226",
    "227", "228", "229", "230", "231", "232", "233", "234", "235", "236", "237", "238", "239",
    "240", "241", "242", "243", "244", "245", "246", "247", "248", "249", "250", "251", "252",
    "253", "254", "255", "256", "257", "258", "260", "261", "262", "263", "264", "265", "266",
    "267", "268", "269", "27", "290", "291", "297", "298", "299", "30", "31", "32", "33", "34",
    "350", "351", "352", "353", "354", "355", "356", "357", "358", "359", "36", "370", "371",
    "372", "373", "374", "375", "376", "377", "378", "379", "380", "381", "382", "383", "385",
    "386", "387", "388", "389", "39", "40", "41", "420", "421", "423", "43", "44", "45", "46",
    "47", "48", "49", "500", "501", "502", "503", "504", "505", "506", "507", "508", "509", "51",
    "52", "53", "54", "55", "56", "57", "58", "590", "591", "592", "593", "594", "595", "596",
    "597", "598", "599", "60", "61", "62", "63", "64", "65", "66", "670", "672", "673", "674",
    "675", "676", "677", "678", "679", "680", "681", "682", "683", "685", "686", "687", "688",
    "689", "690", "691", "692", "7", "800", "808", "81", "82", "84", "850", "852", "853", "855",
    "856", "86", "870", "878", "880", "881", "882", "883", "886", "888", "90", "91", "92", "93",
    "94", "95", "960", "961", "962", "963", "964", "965", "966", "967", "968", "970", "971", "972",
    "973", "974", "975", "976", "977", "979", "98", "992", "993", "994", "995", "996", "998",
];

/// Calling codes of countries whose national numbers may begin with a 0 that is part of
/// the number (Italy, San Marino, Vatican City, Côte d'Ivoire, Republic of the Congo).
///
/// For every other country a "(0)" written after the calling code, as in
/// "+49 (0)30 1234567", is the trunk prefix and is not dialled from abroad.
const KEEPS_LEADING_ZERO: &[&str] = &["225", "242", "378", "379", "39"];

/// What an extension may be introduced by, lowercase and longest first so that ";ext="
/// wins over a shorter marker.
const EXTENSION_MARKERS: &[&str] = &[";ext=", "ext.", "ext", "x", "#"];

/// The ITU country calling code of a region, if the region is in the table that
/// [`phone_e164`] uses for national numbers (only the tests ask).
#[cfg(test)]
fn calling_code(region: &str) -> Option<u16> {
    find_region(region).map(|r| r.calling_code)
}

/// Looks a region up by its ISO 3166-1 alpha-2 code, in any case.
fn find_region(code: &str) -> Option<&'static Region> {
    let code = code.trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    REGIONS
        .binary_search_by(|r| r.code.cmp(upper.as_str()))
        .ok()
        .and_then(|i| REGIONS.get(i))
}

/// The assigned country calling code that `digits` starts with, if any.
fn calling_code_prefix(digits: &str) -> Option<&str> {
    (1..=3)
        .rev()
        .filter_map(|len| digits.get(..len))
        .find(|prefix| CALLING_CODES.binary_search(prefix).is_ok())
}

/// The digits of a phone number as typed, before the country is worked out.
#[derive(Debug, Default)]
struct ScannedPhone {
    /// Whether the number started with "+".
    plus: bool,
    /// Every digit of the number proper, in order, without the extension.
    digits: String,
    /// The index in `digits` of a 0 that was written as "(0)", if any.
    parenthesized_zero: Option<usize>,
}

/// Whether `c` may separate digit groups of a phone number.
///
/// Unicode spaces and dashes are included because numbers copied from web pages and
/// word processors come with no-break spaces and en dashes.
fn is_phone_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '-' | '/' | '(' | ')' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}'
        )
}

/// Splits a typed phone number into its digits, or `None` if it has anything that is not
/// a digit, a separator, a leading "+" or a trailing extension.
fn scan_phone(number: &str) -> Option<ScannedPhone> {
    let mut scanned = ScannedPhone::default();
    let mut chars = number.char_indices();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() {
            if scanned.digits.len() >= MAX_SCANNED_DIGITS {
                return None;
            }
            scanned.digits.push(c);
        } else if c == '+' && !scanned.plus && scanned.digits.is_empty() {
            scanned.plus = true;
        } else if c == '(' && number.get(i..).is_some_and(|rest| rest.starts_with("(0)")) {
            if scanned.parenthesized_zero.is_none() {
                scanned.parenthesized_zero = Some(scanned.digits.len());
            }
            scanned.digits.push('0');
            // Skip the "0)" that was just accounted for.
            chars.nth(1);
        } else if !is_phone_separator(c) {
            let rest = number.get(i..)?;
            return is_extension(rest).then_some(scanned);
        }
    }
    Some(scanned)
}

/// Whether `rest` is an extension marker followed by the extension's digits and nothing
/// else but whitespace.
fn is_extension(rest: &str) -> bool {
    EXTENSION_MARKERS.iter().any(|marker| {
        let Some(head) = rest.get(..marker.len()) else {
            return false;
        };
        if !head.eq_ignore_ascii_case(marker) {
            return false;
        }
        let extension = rest.get(marker.len()..).unwrap_or_default().trim();
        !extension.is_empty() && extension.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The E.164 form of a phone number ("+48601234567"), or `None` if it cannot be parsed.
///
/// International input ("+48 …", "0048 …", and "011 …" in the North American plan) is
/// read as is. A national number needs `region` (ISO 3166-1 alpha-2, any case) to supply
/// the country calling code, after its trunk prefix is dropped. Separators (spaces, dots,
/// hyphens, slashes, parentheses) and an extension ("ext. 12", "x12", "#12", ";ext=12")
/// are dropped; any other character makes the number unparseable. A "(0)" before the
/// national number, as in "+49 (0)30 …", is the trunk prefix and is dropped, except for
/// the countries whose numbers begin with a 0 (Italy and a few others). The result has 8–15
/// digits and starts with an assigned country calling code; nothing checks that the
/// number itself is in service.
pub(crate) fn phone_e164(number: &str, region: Option<&str>) -> Option<String> {
    let scanned = scan_phone(number)?;
    let region = region.and_then(find_region);
    let digits = scanned.digits.as_str();
    // Where the calling code starts, if the number is written in international form.
    let international_start = if scanned.plus {
        Some(0)
    } else if digits.starts_with("00") {
        Some(2)
    } else if digits.starts_with("011") && region.is_some_and(|r| r.calling_code == 1) {
        Some(3)
    } else {
        None
    };

    let mut e164_digits = String::with_capacity(MAX_E164_DIGITS);
    let (calling_code, national_start, trunk_prefix) = match international_start {
        Some(start) => {
            let code = calling_code_prefix(digits.get(start..)?)?;
            (code.to_owned(), start + code.len(), None)
        }
        None => {
            let region = region?;
            (region.calling_code.to_string(), 0, region.trunk_prefix)
        }
    };
    let mut national = digits.get(national_start..)?;
    if scanned.parenthesized_zero == Some(national_start)
        && !KEEPS_LEADING_ZERO.contains(&calling_code.as_str())
    {
        national = national.get(1..)?;
    } else if let Some(trunk) = trunk_prefix {
        national = national.strip_prefix(trunk).unwrap_or(national);
    }
    e164_digits.push_str(&calling_code);
    e164_digits.push_str(national);

    let valid = (MIN_E164_DIGITS..=MAX_E164_DIGITS).contains(&e164_digits.len())
        && calling_code_prefix(&e164_digits).is_some();
    valid.then(|| format!("+{e164_digits}"))
}

/// The key under which a phone number is looked up: its E.164 form when it can be parsed,
/// otherwise its ASCII digits when there are at least three, otherwise `None`.
///
/// The fallback lets a number stored without a region still be found by its digits; it
/// cannot collide with an E.164 key, which starts with "+".
pub(crate) fn phone_key(number: &str, region: Option<&str>) -> Option<String> {
    phone_e164(number, region).or_else(|| {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        (digits.len() >= 3).then_some(digits)
    })
}

/// Whether `scheme` is a syntactically valid URI scheme (RFC 3986 section 3.1).
fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Parses a URL port: 1–65535 written with ASCII digits only.
fn parse_port(port: &str) -> Option<u16> {
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse().ok().filter(|&p| p != 0)
}

/// The domain of a website as users paste it: `https://www.Example.PL/about?x=1`,
/// `example.pl` and `WWW.example.co.uk:8080` give `example.pl`, `example.pl` and
/// `example.co.uk`.
///
/// Drops the scheme, user name and password, port, path, query, fragment, leading "www."
/// labels and a trailing dot, then lowercases and validates the rest as a domain name.
/// Internationalized domains are kept in Unicode ("łódź.pl"). IP addresses are refused:
/// a company's website is stored to match it with its e-mail domain, and an address can
/// never match one.
pub(crate) fn web_domain(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("is empty");
    }
    let without_scheme = match s.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => rest,
        _ => s.strip_prefix("//").unwrap_or(s),
    };
    let authority = without_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host_and_port.starts_with('[') {
        return Err("is an IP address, not a domain");
    }
    let host = match host_and_port.rsplit_once(':') {
        Some((host, port)) => {
            parse_port(port)
                .ok_or("is not a valid domain: the port must be a number from 1 to 65535")?;
            host
        }
        None => host_and_port,
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err("is not a valid domain: it has no host name");
    }
    if host.parse::<Ipv4Addr>().is_ok() {
        return Err("is an IP address, not a domain");
    }
    let mut domain = nfc_lowercase(host);
    // "www." is a host inside the company's domain, not the domain; strip it as long as a
    // domain of two or more labels remains, so "www.pl" is left alone.
    while let Some(rest) = domain.strip_prefix("www.") {
        if !rest.contains('.') {
            break;
        }
        domain = rest.to_owned();
    }
    check_domain(&domain).map_err(|problem| problem.reason(HostContext::Web))?;
    Ok(domain)
}

/// Validates an http or https URL and returns it trimmed, with the scheme and host
/// lowercased.
///
/// The host must be a domain name (validated as in [`web_domain`], but with "www." kept),
/// "localhost" or an IPv4 address; a port must be 1–65535. The path, query and fragment
/// are kept as typed but may not contain whitespace or control characters. URLs with a
/// user name or password are refused, so that credentials are not stored in a contact.
pub(crate) fn url(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("is empty");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("is not a valid URL: it contains a space or a control character");
    }
    let scheme_reason = "is not a valid URL: it must start with http:// or https://";
    let (scheme, rest) = s.split_once("://").ok_or(scheme_reason)?;
    let scheme = if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else {
        return Err(scheme_reason);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    let path_query_fragment = rest.get(authority_end..).unwrap_or_default();
    if authority.contains('@') {
        return Err("is not a valid URL: it must not contain a user name or password");
    }
    if authority.starts_with('[') {
        return Err("is not a valid URL: IPv6 hosts are not supported");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => {
            parse_port(port)
                .ok_or("is not a valid URL: the port must be a number from 1 to 65535")?;
            (host, Some(port))
        }
        None => (authority, None),
    };
    if host.is_empty() {
        return Err("is not a valid URL: it has no host");
    }
    let host = nfc_lowercase(host);
    if host != "localhost" && host.parse::<Ipv4Addr>().is_err() {
        check_domain(&host).map_err(|problem| problem.reason(HostContext::Url))?;
    }
    let mut out = String::with_capacity(s.len());
    out.push_str(scheme);
    out.push_str("://");
    out.push_str(&host);
    if let Some(port) = port {
        out.push(':');
        out.push_str(port);
    }
    out.push_str(path_query_fragment);
    Ok(out)
}

/// How far into a language tag [`language_tag`] has read; each kind of subtag may follow
/// only the kinds before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    /// Only the language so far.
    Language,
    /// A script subtag.
    Script,
    /// A region subtag.
    Region,
    /// At least one variant subtag.
    Variant,
}

/// Validates a BCP 47 language tag of the form `language[-Script][-REGION][-variant…]` and
/// returns it in canonical case with "-" separators: "ro_ro" gives "ro-RO", "sr-latn-rs"
/// gives "sr-Latn-RS".
///
/// Only that subset is accepted: extended language subtags, extensions ("-u-…") and
/// private use ("-x-…") are refused, because the tag is used to pick a UI language and a
/// collation, which need nothing more.
pub(crate) fn language_tag(s: &str) -> Result<String, &'static str> {
    const REASON: &str =
        "is not a valid language tag (expected a form such as pl, ro-RO or sr-Latn-RS)";
    let s = s.trim();
    if s.is_empty() || !s.is_ascii() {
        return Err(REASON);
    }
    let mut subtags = s.split(['-', '_']);
    let language = subtags.next().unwrap_or_default();
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(REASON);
    }
    let mut out = language.to_ascii_lowercase();

    let mut seen = Seen::Language;
    let mut variants: Vec<String> = Vec::new();
    for subtag in subtags {
        let len = subtag.len();
        let alpha = subtag.bytes().all(|b| b.is_ascii_alphabetic());
        let alnum = subtag.bytes().all(|b| b.is_ascii_alphanumeric());
        let digits = subtag.bytes().all(|b| b.is_ascii_digit());
        out.push('-');
        if seen < Seen::Script && len == 4 && alpha {
            let mut script = subtag.chars();
            out.extend(script.next().map(|c| c.to_ascii_uppercase()));
            out.extend(script.map(|c| c.to_ascii_lowercase()));
            seen = Seen::Script;
        } else if seen < Seen::Region && ((len == 2 && alpha) || (len == 3 && digits)) {
            out.push_str(&subtag.to_ascii_uppercase());
            seen = Seen::Region;
        } else if alnum
            && ((5..=8).contains(&len)
                || (len == 4 && subtag.bytes().next().is_some_and(|b| b.is_ascii_digit())))
        {
            let variant = subtag.to_ascii_lowercase();
            // RFC 5646 forbids repeating a variant ("de-1996-1996").
            if variants.contains(&variant) {
                return Err(REASON);
            }
            out.push_str(&variant);
            variants.push(variant);
            seen = Seen::Variant;
        } else {
            return Err(REASON);
        }
    }
    Ok(out)
}

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted.
const ISO_3166_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Codes accepted although ISO 3166-1 leaves them user-assigned.
///
/// "XK" is not an official ISO code, but the European Commission, SWIFT, Unicode CLDR and
/// most software use it for Kosovo, and contacts there need a country.
const USER_ASSIGNED_IN_USE: &[&str] = &["XK"];

/// Validates an ISO 3166-1 alpha-2 country code (any case) and returns it uppercase.
///
/// "UK" gets its own reason because it is by far the most common wrong code.
pub(crate) fn country_code(s: &str) -> Result<String, &'static str> {
    const REASON: &str = "is not an ISO 3166-1 alpha-2 country code";
    let s = s.trim();
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(REASON);
    }
    let upper = s.to_ascii_uppercase();
    if upper == "UK" {
        return Err("is not an ISO 3166-1 country code (the United Kingdom is GB)");
    }
    let known = ISO_3166_ALPHA_2.binary_search(&upper.as_str()).is_ok()
        || USER_ASSIGNED_IN_USE.contains(&upper.as_str());
    if known { Ok(upper) } else { Err(REASON) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Valid addresses come back trimmed with the domain lowercased and the local part as
    /// typed.
    #[test]
    fn email_accepts_and_normalizes() {
        let cases = [
            ("jan.kowalski@example.pl", "jan.kowalski@example.pl"),
            ("  Jan.Kowalski@Example.PL \n", "Jan.Kowalski@example.pl"),
            ("francois+crm@Société.FR", "francois+crm@société.fr"),
            ("ștefan@firmă.ro", "ștefan@firmă.ro"),
            ("zbigniew@ŁÓDŹ.PL", "zbigniew@łódź.pl"),
            (
                "o'neil@sub-domain.example.co.uk",
                "o'neil@sub-domain.example.co.uk",
            ),
            ("a@b.cd", "a@b.cd"),
            ("x@xn--dz-0ja5d.pl", "x@xn--dz-0ja5d.pl"),
            ("user@123.example.pl", "user@123.example.pl"),
        ];
        for (input, expected) in cases {
            assert_eq!(email(input).as_deref(), Ok(expected), "email({input:?})");
        }
    }

    /// Invalid addresses are refused with the reason that fits.
    #[test]
    fn email_rejects() {
        let long_local = format!("{}@example.pl", "a".repeat(65));
        let long_label = format!("jan@{}.pl", "a".repeat(64));
        let long_total = format!(
            "{}@{}.pl",
            "a".repeat(64),
            vec!["a".repeat(60); 4].join(".")
        );
        let cases: [(&str, &str); 17] = [
            ("", "is empty"),
            ("   ", "is empty"),
            ("jan.kowalski", "is not a valid email address: it has no @"),
            (
                "jan@kowalski@example.pl",
                "is not a valid email address: it has more than one @",
            ),
            (
                "@example.pl",
                "is not a valid email address: nothing comes before the @",
            ),
            (
                &long_local,
                "is not a valid email address: the part before the @ is longer than 64 bytes",
            ),
            (
                "jan kowalski@example.pl",
                "is not a valid email address: the part before the @ contains a space or a control character",
            ),
            (
                "\"Jan\" <jan@example.pl>",
                "is not a valid email address: the part before the @ contains a space or a control character",
            ),
            (
                "<jan@example.pl>",
                "is not a valid email address: the part before the @ contains a character that is not allowed",
            ),
            (
                ".jan@example.pl",
                "is not a valid email address: the part before the @ starts or ends with a dot or has two dots in a row",
            ),
            (
                "jan..k@example.pl",
                "is not a valid email address: the part before the @ starts or ends with a dot or has two dots in a row",
            ),
            (
                "jan@gmail",
                "is not a valid email address: the domain has no dot",
            ),
            (
                "jan@example..pl",
                "is not a valid email address: a part of the domain is empty or longer than 63 characters",
            ),
            (
                &long_label,
                "is not a valid email address: a part of the domain is empty or longer than 63 characters",
            ),
            (
                "jan@-example.pl",
                "is not a valid email address: a part of the domain starts or ends with a hyphen",
            ),
            (
                "jan@192.168.0.1",
                "is not a valid email address: the domain ends in a part made only of digits",
            ),
            (
                &long_total,
                "is not a valid email address: it is longer than 254 bytes",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(email(input), Err(reason), "email({input:?})");
        }
        assert_eq!(
            email("jan@example_pl.com"),
            Err(
                "is not a valid email address: the domain may contain only letters, digits, hyphens and dots"
            )
        );
    }

    /// Keys match case-insensitively and across Unicode normalization forms, but keep
    /// diacritics apart.
    #[test]
    fn email_key_examples() {
        let cases = [
            ("Jan.Kowalski@example.pl", "jan.kowalski@example.pl"),
            ("ȘTEFAN@firmă.ro", "ștefan@firmă.ro"),
            ("S\u{0326}tefan@firmă.ro", "\u{0219}tefan@firmă.ro"),
            ("josé@x.pl", "josé@x.pl"),
        ];
        for (input, expected) in cases {
            assert_eq!(email_key(input), expected, "email_key({input:?})");
        }
        assert_ne!(email_key("josé@x.pl"), email_key("jose@x.pl"));
    }

    /// Realistic numbers from the markets the CRM serves, in the forms people type them.
    #[test]
    fn phone_e164_parses() {
        let cases: [(&str, Option<&str>, &str); 28] = [
            ("+48 601 234 567", None, "+48601234567"),
            ("+48 601 234 567", Some("FR"), "+48601234567"),
            ("0048 601-234-567", None, "+48601234567"),
            ("601 234 567", Some("PL"), "+48601234567"),
            ("601 234 567", Some("pl"), "+48601234567"),
            ("(22) 628 12 34", Some("PL"), "+48226281234"),
            ("(0) 22 628 12 34", Some("PL"), "+48226281234"),
            ("06 12 34 56 78", Some("FR"), "+33612345678"),
            ("06.12.34.56.78", Some("FR"), "+33612345678"),
            ("+33 (0)1 42 68 53 00", None, "+33142685300"),
            ("0721 234 567", Some("RO"), "+40721234567"),
            ("+40 (21) 312 34 56", None, "+40213123456"),
            ("+39 06 6988 1234", None, "+390669881234"),
            ("06 6988 1234", Some("IT"), "+390669881234"),
            ("+39 (0)6 6988 1234", None, "+390669881234"),
            ("(415) 555-0100 x12", Some("US"), "+14155550100"),
            ("1 415 555 0100", Some("US"), "+14155550100"),
            ("415.555.0100 ext. 7", Some("us"), "+14155550100"),
            ("011 48 601 234 567", Some("US"), "+48601234567"),
            ("030 1234567", Some("DE"), "+49301234567"),
            ("030/1234567", Some("DE"), "+49301234567"),
            ("+49 (0)30 1234567", None, "+49301234567"),
            ("+44 (0)20 7946 0018", None, "+442079460018"),
            ("06 30 123 4567", Some("HU"), "+36301234567"),
            ("8 (495) 123-45-67", Some("RU"), "+74951234567"),
            ("+48\u{a0}601\u{2013}234\u{2013}567", None, "+48601234567"),
            ("+48 601 234 567;ext=89", None, "+48601234567"),
            ("+48 601 234 567 #89", None, "+48601234567"),
        ];
        for (number, region, expected) in cases {
            assert_eq!(
                phone_e164(number, region).as_deref(),
                Some(expected),
                "phone_e164({number:?}, {region:?})"
            );
        }
    }

    /// Numbers that cannot be turned into E.164 give `None`.
    #[test]
    fn phone_e164_refuses() {
        let cases: [(&str, Option<&str>); 17] = [
            ("+999 123", None),
            ("+999 123 456 789", None),
            ("+384 123 456 789", None),
            ("12", Some("PL")),
            ("call me", Some("PL")),
            ("", Some("PL")),
            ("601 234 567", None),
            ("601 234 567", Some("ZZ")),
            ("601 234 567", Some("POL")),
            ("601 234 567", Some("")),
            ("+48 601 234 567 x", None),
            ("+48 601 234 567 ext. 1a", None),
            ("+48 601 234 567 wew. 12", None),
            ("+48 601 234 567 8901 2345", None),
            ("+48 601 +234 567", None),
            ("0048", None),
            ("tel:+48601234567", None),
        ];
        for (number, region) in cases {
            assert_eq!(
                phone_e164(number, region),
                None,
                "phone_e164({number:?}, {region:?})"
            );
        }
    }

    /// The lookup key falls back to plain digits when the number cannot be parsed.
    #[test]
    fn phone_key_examples() {
        let cases: [(&str, Option<&str>, Option<&str>); 6] = [
            ("+48 601 234 567", None, Some("+48601234567")),
            ("601 234 567", Some("PL"), Some("+48601234567")),
            ("601 234 567", None, Some("601234567")),
            ("wew. 123", None, Some("123")),
            ("12", None, None),
            ("call me", Some("PL"), None),
        ];
        for (number, region, expected) in cases {
            assert_eq!(
                phone_key(number, region).as_deref(),
                expected,
                "phone_key({number:?}, {region:?})"
            );
        }
    }

    /// The region table answers in any case and knows nothing of unlisted regions.
    #[test]
    fn calling_code_examples() {
        let cases = [
            ("PL", Some(48)),
            ("ro", Some(40)),
            ("Fr", Some(33)),
            ("US", Some(1)),
            ("CA", Some(1)),
            ("GB", Some(44)),
            ("HU", Some(36)),
            ("XK", Some(383)),
            ("UK", None),
            ("ZZ", None),
            ("", None),
            ("POL", None),
        ];
        for (region, expected) in cases {
            assert_eq!(calling_code(region), expected, "calling_code({region:?})");
        }
    }

    /// The region table is sorted (binary search relies on it), consistent with the other
    /// tables, and covers the regions the library promises.
    #[test]
    fn region_table_is_consistent() {
        assert!(
            REGIONS
                .windows(2)
                .all(|w| matches!(w, [a, b] if a.code < b.code))
        );
        for r in REGIONS {
            assert!(
                CALLING_CODES.contains(&r.calling_code.to_string().as_str()),
                "{} has an unassigned calling code",
                r.code
            );
            assert_eq!(country_code(r.code).as_deref(), Ok(r.code));
        }
        let required = [
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
            "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS",
            "LI", "NO", "GB", "CH", "UA", "MD", "RS", "TR", "US", "CA", "MX", "BR", "AU", "NZ",
            "JP", "CN", "IN",
        ];
        for code in required {
            assert!(calling_code(code).is_some(), "{code} is missing");
        }
    }

    /// The calling-code table is sorted and a prefix code, so the first match is the only
    /// one.
    #[test]
    fn calling_code_table_is_a_sorted_prefix_code() {
        assert!(
            CALLING_CODES
                .windows(2)
                .all(|w| matches!(w, [a, b] if a < b))
        );
        for a in CALLING_CODES {
            for b in CALLING_CODES {
                assert!(a == b || !b.starts_with(a), "{a} is a prefix of {b}");
            }
        }
        assert_eq!(calling_code_prefix("48601234567"), Some("48"));
        assert_eq!(calling_code_prefix("14155550100"), Some("1"));
        assert_eq!(calling_code_prefix("420123456789"), Some("420"));
        assert_eq!(calling_code_prefix("0123"), None);
    }

    /// Pasted website addresses reduce to the company's domain.
    #[test]
    fn web_domain_accepts() {
        let cases = [
            ("https://www.Example.PL/about?x=1", "example.pl"),
            ("example.pl", "example.pl"),
            ("WWW.example.co.uk:8080", "example.co.uk"),
            (
                "http://user:secret@sklep.example.pl:443/#top",
                "sklep.example.pl",
            ),
            ("//cdn.example.fr/lib.js", "cdn.example.fr"),
            ("example.pl.", "example.pl"),
            ("ŁÓDŹ.pl", "łódź.pl"),
            ("https://www.primăria.ro", "primăria.ro"),
            ("www.pl", "www.pl"),
            ("www.www.example.pl", "example.pl"),
            ("jan@example.pl", "example.pl"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                web_domain(input).as_deref(),
                Ok(expected),
                "web_domain({input:?})"
            );
        }
    }

    /// IP addresses, empty input and malformed domains are refused.
    #[test]
    fn web_domain_rejects() {
        let cases = [
            ("", "is empty"),
            ("  ", "is empty"),
            ("192.168.0.1", "is an IP address, not a domain"),
            (
                "http://10.0.0.1:8080/admin",
                "is an IP address, not a domain",
            ),
            ("https://[2001:db8::1]/", "is an IP address, not a domain"),
            ("https://", "is not a valid domain: it has no host name"),
            ("localhost", "is not a valid domain: it has no dot"),
            (
                "example.pl:99999",
                "is not a valid domain: the port must be a number from 1 to 65535",
            ),
            (
                "exa mple.pl",
                "is not a valid domain: it may contain only letters, digits, hyphens and dots",
            ),
            (
                "-example.pl",
                "is not a valid domain: a part of it starts or ends with a hyphen",
            ),
            (
                "example..pl",
                "is not a valid domain: a part of it is empty or longer than 63 characters",
            ),
            (
                "1.2.3.4.5",
                "is not a valid domain: it ends in a part made only of digits",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(web_domain(input), Err(reason), "web_domain({input:?})");
        }
    }

    /// URLs keep their path as typed and get a lowercase scheme and host.
    #[test]
    fn url_accepts() {
        let cases = [
            ("https://example.pl", "https://example.pl"),
            (
                "  HTTPS://WWW.Example.PL/O-Nas?Lang=PL#Kontakt ",
                "https://www.example.pl/O-Nas?Lang=PL#Kontakt",
            ),
            ("http://localhost:8080/api", "http://localhost:8080/api"),
            ("http://192.168.0.10/", "http://192.168.0.10/"),
            ("https://łódź.pl/ścieżka", "https://łódź.pl/ścieżka"),
            ("https://example.fr:443?q=1", "https://example.fr:443?q=1"),
            ("https://example.ro#x", "https://example.ro#x"),
        ];
        for (input, expected) in cases {
            assert_eq!(url(input).as_deref(), Ok(expected), "url({input:?})");
        }
    }

    /// Anything that is not a plain http(s) URL to a host is refused.
    #[test]
    fn url_rejects() {
        let cases = [
            ("", "is empty"),
            (
                "example.pl",
                "is not a valid URL: it must start with http:// or https://",
            ),
            (
                "ftp://example.pl",
                "is not a valid URL: it must start with http:// or https://",
            ),
            (
                "javascript://alert(1)",
                "is not a valid URL: it must start with http:// or https://",
            ),
            (
                "https://example.pl/a b",
                "is not a valid URL: it contains a space or a control character",
            ),
            (
                "https://exa\u{7}mple.pl",
                "is not a valid URL: it contains a space or a control character",
            ),
            (
                "https://user:pass@example.pl",
                "is not a valid URL: it must not contain a user name or password",
            ),
            (
                "https://[::1]/",
                "is not a valid URL: IPv6 hosts are not supported",
            ),
            (
                "https://example.pl:0",
                "is not a valid URL: the port must be a number from 1 to 65535",
            ),
            (
                "https://example.pl:65536",
                "is not a valid URL: the port must be a number from 1 to 65535",
            ),
            (
                "https://example.pl:/",
                "is not a valid URL: the port must be a number from 1 to 65535",
            ),
            ("https:///path", "is not a valid URL: it has no host"),
            (
                "https://intranet/",
                "is not a valid URL: the host has no dot",
            ),
            (
                "https://256.1.1.1/",
                "is not a valid URL: the host ends in a part made only of digits",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(url(input), Err(reason), "url({input:?})");
        }
    }

    /// Language tags come back in canonical case with hyphens.
    #[test]
    fn language_tag_accepts() {
        let cases = [
            ("pl", "pl"),
            ("PL", "pl"),
            ("ro_ro", "ro-RO"),
            ("fr-ca", "fr-CA"),
            ("sr-latn-rs", "sr-Latn-RS"),
            ("es-419", "es-419"),
            ("de-CH-1996", "de-CH-1996"),
            ("sl-rozaj-biske", "sl-rozaj-biske"),
            ("ca-ES-VALENCIA", "ca-ES-valencia"),
            ("fil", "fil"),
            (" en-GB ", "en-GB"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                language_tag(input).as_deref(),
                Ok(expected),
                "language_tag({input:?})"
            );
        }
    }

    /// Everything outside the supported subset is refused.
    #[test]
    fn language_tag_rejects() {
        for input in [
            "",
            "p",
            "polish",
            "pl-",
            "pl--PL",
            "-pl",
            "pl-PL-Latn",
            "pl-Latn-Cyrl",
            "pl-PL-RO",
            "en-US-u-ca-gregory",
            "x-private",
            "zh-yue",
            "de-1996-1996",
            "pl-PL-abc",
            "pl-1a",
            "pł",
            "12",
            "en-12",
        ] {
            assert!(language_tag(input).is_err(), "language_tag({input:?})");
        }
    }

    /// Country codes are case-insensitive and checked against the ISO list.
    #[test]
    fn country_code_examples() {
        let general = "is not an ISO 3166-1 alpha-2 country code";
        let cases = [
            ("pl", Ok("PL")),
            ("RO", Ok("RO")),
            (" fr ", Ok("FR")),
            ("gb", Ok("GB")),
            ("xk", Ok("XK")),
            (
                "UK",
                Err("is not an ISO 3166-1 country code (the United Kingdom is GB)"),
            ),
            (
                "uk",
                Err("is not an ISO 3166-1 country code (the United Kingdom is GB)"),
            ),
            ("ZZ", Err(general)),
            ("EU", Err(general)),
            ("POL", Err(general)),
            ("P", Err(general)),
            ("", Err(general)),
            ("Ł1", Err(general)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                country_code(input),
                expected.map(str::to_owned),
                "country_code({input:?})"
            );
        }
        assert_eq!(ISO_3166_ALPHA_2.len(), 249);
        assert!(
            ISO_3166_ALPHA_2
                .windows(2)
                .all(|w| matches!(w, [a, b] if a < b))
        );
    }

    /// Properties every input must satisfy; none of these functions may panic.
    fn check_all(s: &str, region: Option<&str>) -> Result<(), TestCaseError> {
        if let Ok(address) = email(s) {
            prop_assert_eq!(email(&address), Ok(address.clone()));
            let key = email_key(&address);
            prop_assert_eq!(email_key(&key), key.clone());
            prop_assert_eq!(email_key(s.trim()), key);
        }
        let _ = email_key(s);

        for number_region in [region, None, Some("PL"), Some("US")] {
            if let Some(e164) = phone_e164(s, number_region) {
                let digits = e164.strip_prefix('+').unwrap_or_default();
                prop_assert!((MIN_E164_DIGITS..=MAX_E164_DIGITS).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(phone_e164(&e164, None), Some(e164.clone()));
                prop_assert_eq!(phone_key(s, number_region), Some(e164));
            } else if let Some(key) = phone_key(s, number_region) {
                prop_assert!(key.len() >= 3 && key.bytes().all(|b| b.is_ascii_digit()));
            }
        }
        if let Some(region) = region {
            let _ = calling_code(region);
            let _ = country_code(region);
        }

        if let Ok(domain) = web_domain(s) {
            prop_assert_eq!(web_domain(&domain), Ok(domain.clone()));
            let as_url = format!("https://{domain}");
            prop_assert_eq!(url(&as_url), Ok(as_url.clone()));
        }
        if let Ok(normalized) = url(s) {
            prop_assert_eq!(url(&normalized), Ok(normalized.clone()));
        }
        if let Ok(tag) = language_tag(s) {
            prop_assert_eq!(language_tag(&tag), Ok(tag.clone()));
        }
        if let Ok(code) = country_code(s) {
            prop_assert_eq!(country_code(&code), Ok(code.clone()));
            prop_assert_eq!(code.len(), 2);
        }
        Ok(())
    }

    /// Region arguments: real codes in any case, junk, and arbitrary text.
    fn any_region() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            "[A-Za-z]{2}",
            Just("PL".to_owned()),
            Just("FR".to_owned()),
            Just("RO".to_owned()),
            Just("US".to_owned()),
            ".*",
        ])
    }

    proptest! {
        /// Any string at all, including unassigned and private-use code points.
        #[test]
        fn any_string(s in ".*", region in any_region()) {
            check_all(&s, region.as_deref())?;
        }

        /// Any printable Unicode text.
        #[test]
        fn any_printable(s in "\\PC*", region in any_region()) {
            check_all(&s, region.as_deref())?;
        }

        /// Strings shaped like phone numbers, so that the parser's paths are all exercised.
        #[test]
        fn phone_like(
            s in "[+]?[0-9 ()./-]{0,24}((ext\\.?|x|#|;ext=) ?[0-9]{0,4})?",
            region in any_region(),
        ) {
            check_all(&s, region.as_deref())?;
        }

        /// Strings shaped like e-mail addresses, websites and URLs, with Unicode letters.
        #[test]
        fn address_like(
            s in "((https?|HTTP)://)?([\\pL0-9._%+'-]{1,12}@)?([\\pL\\pM0-9-]{0,12}\\.){1,3}[\\pL0-9]{0,6}(:[0-9]{0,6})?(/[\\PC]{0,8})?",
        ) {
            check_all(&s, None)?;
        }

        /// Strings shaped like valid e-mail addresses, which the other strategies rarely
        /// produce, so that the re-validation property is exercised.
        #[test]
        fn email_like(
            s in "[\\pL0-9._%+'-]{1,12}@([\\pL\\pM0-9-]{1,12}\\.){1,3}[\\pL]{2,6}",
        ) {
            check_all(&s, None)?;
        }

        /// Strings shaped like language tags and country codes.
        #[test]
        fn tag_like(s in "[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}") {
            check_all(&s, None)?;
        }
    }
}
