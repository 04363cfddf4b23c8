//! Seeded synthetic data, generated record by record from its index so that every engine
//! sees the same records without any of them holding the whole set in memory.
//!
//! Names are realistic for the firm's markets: about 5 % carry Polish, Romanian or French
//! letters outside ASCII. Emails are unique, phones are Polish, Romanian or French mobile
//! numbers, a contact has 0–3 tags ("vip" on about 5 %), a note of 0–500 bytes, an owner
//! among 25 users, and most work at one of the companies (one per 20 contacts). There is one
//! deal per 4 contacts: half open, 30 % won, 20 % lost.

/// SplitMix64: a small, well-distributed generator; `at(seed, i)` gives the i-th stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator for record `i` of a kind under `seed`.
    pub fn at(seed: u64, kind: u64, i: u64) -> Rng {
        let mut r = Rng(seed
            ^ kind.wrapping_mul(0xA24B_AED4_963E_E407)
            ^ i.wrapping_mul(0x9FB2_1C65_1E98_DF25));
        r.next();
        r
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One item of a list.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const GIVEN_ASCII: &[&str] = &[
    "Jan", "Anna", "Piotr", "Maria", "Tomasz", "Ewa", "Adam", "Marta", "Andrei", "Ioana", "Mihai",
    "Elena", "Cristian", "Ana", "Lucas", "Camille", "Louis", "Manon", "Hugo", "Julie", "John",
    "Mary", "David", "Sarah", "Michael", "Emma", "James", "Olivia", "Daniel", "Laura", "Robert",
    "Karolina", "Marek", "Monika", "Pierre", "Claire", "Vlad", "Irina", "Paul", "Nina",
];
const GIVEN_ACCENTED: &[&str] = &[
    "Łukasz",
    "Małgorzata",
    "Paweł",
    "Wojciech",
    "Żaneta",
    "Ștefan",
    "Tudoră",
    "Răzvan",
    "Ionuț",
    "François",
    "Chloé",
    "Léa",
    "Hélène",
    "Jérôme",
    "Émilie",
    "Zoë",
];
const FAMILY_ASCII: &[&str] = &[
    "Nowak",
    "Kowalski",
    "Wojcik",
    "Kaminski",
    "Lewandowski",
    "Zielinski",
    "Szymanski",
    "Popescu",
    "Ionescu",
    "Popa",
    "Dumitru",
    "Stoica",
    "Constantin",
    "Munteanu",
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Garcia",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
];
const FAMILY_ACCENTED: &[&str] = &[
    "Wiśniewska",
    "Wójcik",
    "Dąbrowski",
    "Woźniak",
    "Kozłowski",
    "Jabłoński",
    "Grabowská",
    "Țăranu",
    "Mureșan",
    "Șerban",
    "Lefèvre",
    "Gérard",
    "Rousseau-Bénard",
    "Fournié",
];
const CITIES: &[(&str, &str)] = &[
    ("Łódź", "PL"),
    ("Kraków", "PL"),
    ("Warszawa", "PL"),
    ("Gdańsk", "PL"),
    ("Poznań", "PL"),
    ("Wrocław", "PL"),
    ("București", "RO"),
    ("Cluj-Napoca", "RO"),
    ("Iași", "RO"),
    ("Timișoara", "RO"),
    ("Paris", "FR"),
    ("Lyon", "FR"),
    ("Marseille", "FR"),
    ("Toulouse", "FR"),
    ("Nantes", "FR"),
    ("Lille", "FR"),
];
const TAGS: &[&str] = &[
    "newsletter",
    "partner",
    "event-2026",
    "b2b",
    "b2c",
    "webinar",
    "trade-fair",
    "referral",
    "inactive",
    "decision-maker",
    "technical",
    "finance",
    "procurement",
    "north",
    "south",
];
const TITLES: &[&str] = &[
    "Dyrektor zakupów",
    "Kierownik logistyki",
    "CEO",
    "CFO",
    "Director vânzări",
    "Responsable achats",
    "Chef de projet",
    "Account manager",
    "Purchasing manager",
    "Office manager",
    "Inżynier",
    "Consultant",
];
const WORDS: &[&str] = &[
    "spotkanie",
    "oferta",
    "umowa",
    "cena",
    "rabat",
    "dostawa",
    "faktura",
    "projekt",
    "întâlnire",
    "ofertă",
    "contract",
    "livrare",
    "rendez-vous",
    "devis",
    "livraison",
    "meeting",
    "proposal",
    "budget",
    "renewal",
    "pilot",
    "rollout",
    "follow",
    "call",
    "email",
    "quarter",
    "discount",
    "license",
    "support",
    "training",
    "invoice",
    "order",
];
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "wp.pl",
    "onet.pl",
    "yahoo.ro",
    "orange.fr",
    "free.fr",
];
const COMPANY_WORDS: &[&str] = &[
    "Logistics",
    "Trans",
    "Energia",
    "Młyny",
    "Agro",
    "Software",
    "Auto",
    "Bud",
    "Pharma",
    "Textil",
    "Consulting",
    "Foods",
    "Metal",
    "Energie",
    "Distribuție",
    "Services",
];
const COMPANY_FORMS: &[&str] = &["Sp. z o.o.", "S.A.", "SRL", "SAS", "SARL", "Ltd"];

/// How many companies and deals go with `contacts` contacts.
pub fn sizes(contacts: u64) -> (u64, u64) {
    ((contacts / 20).max(1), contacts / 4)
}

/// The owners, `user-01` … `user-25`.
pub fn owner(i: u64) -> String {
    format!("user-{:02}", i % 25 + 1)
}

/// One contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Given name.
    pub given: String,
    /// Family name.
    pub family: String,
    /// The unique email address.
    pub email: String,
    /// A mobile number in international form with spaces.
    pub phone: String,
    /// The same in E.164.
    pub e164: String,
    /// City and ISO country.
    pub city: &'static str,
    /// ISO country.
    pub country: &'static str,
    /// Job title.
    pub title: &'static str,
    /// Owning user.
    pub owner: String,
    /// 0–3 tags.
    pub tags: Vec<String>,
    /// 0–500 bytes of notes.
    pub notes: String,
    /// The company worked at, by index.
    pub company: Option<u64>,
}

impl Contact {
    /// "Given Family".
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
}

fn ascii_slug(s: &str) -> String {
    crm_core::fold_text(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Contact `i` (with `version` > 0 for the changed record of an upsert).
pub fn contact(seed: u64, contacts: u64, i: u64, version: u64) -> Contact {
    let mut r = Rng::at(seed, 1, i);
    let accented = r.percent(5);
    let (given, family) = if accented {
        if r.percent(50) {
            (r.pick(GIVEN_ACCENTED), r.pick(FAMILY_ASCII))
        } else {
            (r.pick(GIVEN_ASCII), r.pick(FAMILY_ACCENTED))
        }
    } else {
        (r.pick(GIVEN_ASCII), r.pick(FAMILY_ASCII))
    };
    let (companies, _) = sizes(contacts);
    let company = r.percent(80).then(|| r.below(companies));
    let domain = match company {
        Some(c) => company_domain(c),
        None => r.pick(FREE_MAIL).to_string(),
    };
    let email = format!("{}.{}.{i}@{domain}", ascii_slug(given), ascii_slug(family));
    let (city, country) = CITIES[r.below(CITIES.len() as u64) as usize];
    let n = r.below(100_000_000);
    let (phone, e164) = match country {
        "PL" => (
            format!(
                "+48 6{:02} {:03} {:03}",
                n / 1_000_000,
                n / 1000 % 1000,
                n % 1000
            ),
            format!("+486{:08}", n),
        ),
        "RO" => (
            format!(
                "+40 7{:02} {:03} {:03}",
                n / 1_000_000,
                n / 1000 % 1000,
                n % 1000
            ),
            format!("+407{:08}", n),
        ),
        _ => (
            format!(
                "+33 6 {:02} {:02} {:02} {:02}",
                n / 1_000_000,
                n / 10_000 % 100,
                n / 100 % 100,
                n % 100
            ),
            format!("+336{:08}", n),
        ),
    };
    let mut tags: Vec<String> = Vec::new();
    if r.percent(5) {
        tags.push("vip".into());
    }
    for _ in 0..r.below(3) {
        let t = r.pick(TAGS).to_string();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let mut notes = String::new();
    let target = r.below(501) as usize;
    while notes.len() + 12 < target {
        if !notes.is_empty() {
            notes.push(' ');
        }
        notes.push_str(r.pick(WORDS));
    }
    let mut title = r.pick(TITLES);
    if version > 0 {
        title = TITLES[(version as usize + i as usize) % TITLES.len()];
    }
    Contact {
        given: given.to_string(),
        family: family.to_string(),
        email,
        phone,
        e164,
        city,
        country,
        title,
        owner: owner(r.below(25)),
        tags,
        notes,
        company,
    }
}

/// One company.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    /// Its name.
    pub name: String,
    /// Its unique web domain.
    pub domain: String,
    /// Its owner.
    pub owner: String,
}

fn company_domain(i: u64) -> String {
    let tld = ["pl", "ro", "fr", "com", "eu"][(i % 5) as usize];
    format!("firma{i}.{tld}")
}

/// Company `i`.
pub fn company(seed: u64, i: u64) -> Company {
    let mut r = Rng::at(seed, 2, i);
    let family = if r.percent(5) {
        r.pick(FAMILY_ACCENTED)
    } else {
        r.pick(FAMILY_ASCII)
    };
    Company {
        name: format!(
            "{family} {} {}",
            r.pick(COMPANY_WORDS),
            r.pick(COMPANY_FORMS)
        ),
        domain: company_domain(i),
        owner: owner(r.below(25)),
    }
}

/// Where a deal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In one of the four open stages of the default pipeline (0–3).
    Open(u8),
    /// Won.
    Won,
    /// Lost.
    Lost,
}

/// One deal.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    /// Its title.
    pub title: String,
    /// The customer, by index.
    pub company: u64,
    /// Its owner.
    pub owner: String,
    /// Its amount in euro cents.
    pub amount: i64,
    /// Open, won or lost.
    pub status: Status,
}

/// Deal `i`.
pub fn deal(seed: u64, contacts: u64, i: u64) -> Deal {
    let mut r = Rng::at(seed, 3, i);
    let (companies, _) = sizes(contacts);
    let roll = r.below(100);
    let status = if roll < 30 {
        Status::Won
    } else if roll < 50 {
        Status::Lost
    } else {
        Status::Open(r.below(4) as u8)
    };
    Deal {
        title: format!("{} {}", r.pick(WORDS), i),
        company: r.below(companies),
        owner: owner(r.below(25)),
        amount: (100_000 + r.below(9_900_000)) as i64,
        status,
    }
}

/// The search queries of a run: 1-, 2- and 3-letter prefixes and two-word queries, taken
/// from the data so that they find something.
pub fn search_queries(seed: u64, contacts: u64, per_kind: u64) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut r = Rng::at(seed, 4, 0);
    for _ in 0..per_kind {
        let c = contact(seed, contacts, r.below(contacts), 0);
        let family = crm_core::fold_text(&c.family);
        let given = crm_core::fold_text(&c.given);
        let prefix = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        out.push(("1 letter", prefix(&family, 1)));
        out.push(("2 letters", prefix(&family, 2)));
        out.push(("3 letters", prefix(&family, 3)));
        out.push((
            "two words",
            format!("{} {}", prefix(&given, 3), prefix(&family, 4)),
        ));
    }
    out
}
