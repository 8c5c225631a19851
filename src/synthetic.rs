//! A synthetic directory of any size, for benchmarks: realistic variety (categories,
//! groups, areas, access, weekly/fortnightly/monthly sessions, evenings and weekends,
//! changes), deterministic from a seed. It writes ordinary listing files, so benchmarks
//! measure the same code path as a council's own content.

use std::fmt::Write as _;
use std::path::Path;

/// A small, fast, deterministic random source (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

const PLACES: [&str; 12] = [
    "Ashby",
    "Northfield",
    "Millbrook",
    "Kingsbridge",
    "Eastmoor",
    "Hollins Green",
    "Oakley",
    "Brampton",
    "Westcote",
    "Fairfield",
    "Hatherley",
    "Stanton",
];
const ORGS: [&str; 10] = [
    "Friends",
    "Trust",
    "Club",
    "Project",
    "Network",
    "Group",
    "Centre",
    "Circle",
    "Partnership",
    "Society",
];
const THEMES: [(&str, &str, &str); 12] = [
    ("arts-crafts", "Art", "painting, drawing and clay"),
    ("music", "Music", "singing, drums and making music together"),
    ("dance-drama", "Dance", "dancing, drama and a disco"),
    ("sport", "Sport", "football, boccia and keeping fit"),
    ("swimming", "Swimming", "swimming and water confidence"),
    (
        "walking-outdoors",
        "Walking",
        "walks in parks and the countryside",
    ),
    ("gardening", "Gardening", "growing vegetables and flowers"),
    ("cooking", "Cooking", "cooking lunch and baking"),
    ("social", "Social", "a cuppa, a chat and games"),
    (
        "life-skills",
        "Life skills",
        "shopping, money and travel training",
    ),
    (
        "work-skills",
        "Work skills",
        "volunteering and skills for a job",
    ),
    (
        "computers",
        "Computers",
        "tablets, phones and staying safe online",
    ),
];
const KINDS: [&str; 8] = [
    "club", "group", "session", "workshop", "drop-in", "café", "class", "hub",
];
const WHO: [&str; 10] = [
    "learning-disability",
    "autism",
    "dementia",
    "physical-disability",
    "sensory-impairment",
    "mental-health",
    "older-people",
    "brain-injury",
    "young-adults",
    "carers",
];
const SUPPORT: [&str; 5] = [
    "resource-centre",
    "community-group",
    "befriending",
    "work-skills",
    "online",
];
const ACCESS: [&str; 18] = [
    "step-free",
    "ramp",
    "automatic-door",
    "lift",
    "accessible-toilet",
    "hoist",
    "hearing-loop",
    "bsl",
    "disability-aware-staff",
    "dementia-friendly",
    "quiet-space",
    "sensory-room",
    "seating",
    "assistance-dogs",
    "blue-badge-parking",
    "parking-nearby",
    "bus-stop",
    "large-print",
];
const AREAS: [&str; 6] = [
    "ashby",
    "northfield",
    "millbrook",
    "kingsbridge",
    "eastmoor",
    "hollins-green",
];
const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const VENUES: [&str; 8] = [
    "Community Centre",
    "Library",
    "Village Hall",
    "Leisure Centre",
    "Church Hall",
    "Resource Centre",
    "Sports Hub",
    "Arts Studio",
];
const RATIOS: [&str; 5] = ["1:1", "2:1", "1:5", "1:8", "1:3"];

/// Writes a content folder with `activities` activities (3 per provider) into `root`,
/// reusing the sample's vocabulary and site files from `sample`.
pub fn generate(root: &Path, sample: &Path, activities: usize, seed: u64) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    for folder in ["providers", "venues", "changing-places", "pages"] {
        std::fs::create_dir_all(root.join(folder))?;
    }
    std::fs::copy(sample.join("site.yaml"), root.join("site.yaml"))?;
    std::fs::copy(sample.join("vocabulary.yaml"), root.join("vocabulary.yaml"))?;
    if sample.join("pages").is_dir() {
        for e in std::fs::read_dir(sample.join("pages"))?.filter_map(Result::ok) {
            std::fs::copy(e.path(), root.join("pages").join(e.file_name()))?;
        }
    }
    let venues = (activities / 4).max(4);
    let toilets = (venues / 10).max(1);
    for t in 0..toilets {
        let cp = format!(
            "name: Changing Places toilet {t}\nvenue: venue-{t}\nlocation: Ground floor.\nopening_hours:\n  monday: \"09:00-17:00\"\n  saturday: \"10:00-16:00\"\nhoist: ceiling\nadjustable_bench: true\npeninsular_toilet: true\ncharge: free\n"
        );
        std::fs::write(root.join(format!("changing-places/cp-{t}.yaml")), cp)?;
    }
    for v in 0..venues {
        let place = rng.pick(&PLACES);
        let mut access: Vec<&str> = ACCESS.iter().copied().filter(|_| rng.chance(35)).collect();
        if access.is_empty() {
            access.push("step-free");
        }
        let mut text = format!(
            "name: {place} {} {v}\naddress: {} {} Road, {place}\npostcode: WY{} {}AB\narea: {}\naccess: [{}]\ngetting_there: Bus {} stops nearby.\n",
            rng.pick(&VENUES),
            1 + rng.below(200),
            rng.pick(&["Mill", "Station", "Church", "Park", "High", "Green"]),
            1 + rng.below(9),
            rng.below(9),
            rng.pick(&AREAS),
            access.join(", "),
            1 + rng.below(60)
        );
        if v < toilets {
            let _ = writeln!(text, "changing_places: cp-{v}");
        }
        std::fs::write(root.join(format!("venues/venue-{v}.yaml")), text)?;
    }
    let providers = activities.div_ceil(3);
    let mut made = 0;
    for p in 0..providers {
        let mut text = format!(
            "---\nname: {} {} {p}\nsummary: A local organisation running groups across Wyvern.\nphone: \"01632 96{:04}\"\nemail: hello{p}@example.org\nreviewed: 2026-{:02}-{:02}\nactivities:\n",
            rng.pick(&PLACES),
            rng.pick(&ORGS),
            p % 10000,
            1 + rng.below(10),
            1 + rng.below(28)
        );
        for _ in 0..3 {
            if made == activities {
                break;
            }
            activity(&mut text, &mut rng, made, venues);
            made += 1;
        }
        text.push_str("---\nWe have run groups in Wyvern for many years. Everyone is welcome.\n");
        std::fs::write(root.join(format!("providers/provider-{p}.md")), text)?;
    }
    Ok(())
}

fn activity(text: &mut String, rng: &mut Rng, n: usize, venues: usize) {
    let (category, title, what) = *rng.pick(&THEMES);
    let kind = rng.pick(&KINDS);
    let who: Vec<&str> = (0..1 + rng.below(3))
        .map(|_| *rng.pick(&WHO))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let support = if rng.chance(10) {
        "online"
    } else {
        rng.pick(&SUPPORT[..4])
    };
    let _ = write!(
        text,
        "  - id: act-{n}\n    name: {title} {kind} {n}\n    summary: A friendly {kind} for {what}.\n    categories: [{category}]\n    who_for: [{}]\n    support: {support}\n    ratio: \"{}\"\n",
        who.join(", "),
        rng.pick(&RATIOS)
    );
    if rng.chance(40) {
        text.push_str("    cost:\n      free: true\n");
    } else {
        let _ = write!(
            text,
            "    cost:\n      amount: {}\n      per: session\n",
            2 + rng.below(30)
        );
    }
    let _ = write!(
        text,
        "    join: [{}]\n    carers_welcome: {}\n",
        rng.pick(&["turn-up", "self-referral", "social-worker"]),
        rng.chance(60)
    );
    if rng.chance(30) {
        text.push_str("    pay_with: [direct-payment, personal-budget]\n");
    }
    if rng.chance(20) {
        text.push_str("    transport:\n      provided: true\n      cost: 3\n");
    }
    let _ = write!(
        text,
        "    easy_read:\n      - text: We do {}.\n        picture: \"🙂\"\n    sessions:\n",
        title.to_lowercase()
    );
    for s in 0..1 + rng.below(3) {
        let day_index = rng.below(7);
        let day = DAYS[day_index];
        let evening = rng.chance(20);
        let start = if evening {
            17 + rng.below(3)
        } else {
            9 + rng.below(6)
        };
        let length = 1 + rng.below(3);
        let place = if support == "online" {
            "      - online: true\n        online_how: We send a link by email.\n".to_string()
        } else {
            format!("      - venue: venue-{}\n", rng.below(venues))
        };
        text.push_str(&place);
        let _ = write!(
            text,
            "        day: {day}\n        start: \"{start:02}:00\"\n        end: \"{:02}:30\"\n",
            (start + length).min(22)
        );
        match rng.below(10) {
            0 => {
                let _ = writeln!(
                    text,
                    "        every: fortnight\n        from: {}",
                    first_date(day_index)
                );
            }
            1 => {
                let _ = writeln!(
                    text,
                    "        every: month\n        week: {}",
                    rng.pick(&["first", "second", "third", "fourth", "last"])
                );
            }
            _ => {}
        }
        if s == 0 && rng.chance(15) {
            let weekly = !text[text.rfind("      - ").unwrap_or(0)..].contains("every:");
            if weekly {
                let _ = writeln!(
                    text,
                    "        changes:\n          - date: {}\n            cancelled: true\n            reason: Staff training.",
                    first_date(day_index)
                );
            }
        }
    }
}

/// The first date on weekday `day_index` (0 = Monday) from Monday 30 November 2026.
fn first_date(day_index: usize) -> String {
    let date = 30 + day_index;
    if date > 30 {
        format!("2026-12-{:02}", date - 30)
    } else {
        "2026-11-30".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_directories_are_valid_and_repeatable() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        generate(a.path(), Path::new("content"), 300, 7).unwrap();
        generate(b.path(), Path::new("content"), 300, 7).unwrap();
        let read = |p: &Path| std::fs::read_to_string(p.join("providers/provider-42.md")).unwrap();
        assert_eq!(read(a.path()), read(b.path()));
        let options = crate::Options {
            content: a.path().to_path_buf(),
            theme: "themes/default".into(),
            today: "2026-11-27".parse().unwrap(),
        };
        let (dir, diags) = crate::check(&options);
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(dir.unwrap().activities.len(), 300);
    }
}
