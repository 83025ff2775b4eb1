//! Tests: relevance, judged. A small corpus and queries whose best answers are written from the
//! rules a reader expects (a title hit above a body-only mention, all words above some words, an
//! exact phrase above scattered words, …). Each "must come first" article is published *before*
//! its rivals, so an order that fell back to newest-first would fail. The same judgements hold for
//! the ranked-search index (BM25 per column) and for SQL (bm25 on SQLite, cover density on
//! PostgreSQL), on both endpoints that search.

use crate::common::spawn;
use crate::listing::{published, slugs};
use serde_json::json;

/// The two endpoints that search, each followed by `?` or `&`: a plain ranked search is answered
/// by the ranked-search index; `sort=rank,id` (the same order, written out) by SQL.
const ENDPOINTS: [&str; 4] = [
    "/api/v1/search?",
    "/api/v1/articles?",
    "/api/v1/search?sort=rank,id&",
    "/api/v1/articles?sort=rank,id&",
];

/// One article of the judged corpus.
struct Doc {
    title: &'static str,
    subtitle: &'static str,
    excerpt: &'static str,
    body: &'static str,
    /// Days after 2025-01-01 it was published: the rivals of an expected first answer are newer.
    day: u32,
}

/// The corpus: pairs written for one judgement each, and articles that merely share words.
const CORPUS: [Doc; 19] = [
    Doc {
        title: "Insomnia Explained",
        subtitle: "",
        excerpt: "",
        body: "Why nights go wrong and what helps.",
        day: 1,
    },
    Doc {
        title: "Evening Routines",
        subtitle: "",
        excerpt: "",
        body: "Insomnia often follows late screens; insomnia also follows caffeine.",
        day: 20,
    },
    Doc {
        title: "Minerals Matter",
        subtitle: "Magnesium and muscle cramps",
        excerpt: "",
        body: "What the body needs from food every day.",
        day: 2,
    },
    Doc {
        title: "Leg Cramps at Night",
        subtitle: "",
        excerpt: "",
        body: "Some people try magnesium before bed.",
        day: 21,
    },
    Doc {
        title: "Snoring and Your Health",
        subtitle: "",
        excerpt: "",
        body: "Loud snoring can be a sign of sleep apnea, which a doctor can test for at home.",
        day: 3,
    },
    Doc {
        title: "Apnea in Divers",
        subtitle: "Holding your breath under water",
        excerpt: "",
        body: "Free divers train apnea for years.",
        day: 22,
    },
    Doc {
        title: "Sleep Hygiene",
        subtitle: "",
        excerpt: "",
        body: "Keep a regular bedtime and a dark room.",
        day: 23,
    },
    Doc {
        title: "Calm Under Pressure",
        subtitle: "",
        excerpt: "",
        body: "During a panic attack, breathe slowly and name five things you can see around you.",
        day: 4,
    },
    Doc {
        title: "Heart Health",
        subtitle: "",
        excerpt: "",
        body: "Panic is common after a diagnosis; a heart attack is another thing.",
        day: 24,
    },
    Doc {
        title: "Therapy for Anxiety",
        subtitle: "",
        excerpt: "",
        body: "Talking helps more than most people expect.",
        day: 5,
    },
    Doc {
        title: "Living with Worry",
        subtitle: "",
        excerpt: "",
        body: "Anxiety can ease with therapy and time.",
        day: 25,
    },
    Doc {
        title: "Walk More, Sit Less",
        subtitle: "",
        excerpt: "",
        body: "Ten minutes after each meal is a good start.",
        day: 6,
    },
    Doc {
        title: "City Life",
        subtitle: "",
        excerpt: "",
        body: "Walks to work help; so do stairs.",
        day: 26,
    },
    Doc {
        title: "Drink Up",
        subtitle: "",
        excerpt: "",
        body: "Hydration matters: hydration keeps you alert.",
        day: 7,
    },
    Doc {
        title: "Marathon Training",
        subtitle: "",
        excerpt: "",
        body: "Build mileage slowly, rest one day in seven, eat enough carbohydrate, plan your \
               hydration, replace your shoes, stretch after runs, sleep well and listen to \
               your knees before race day.",
        day: 27,
    },
    Doc {
        title: "Iron Deficiency",
        subtitle: "",
        excerpt: "",
        body: "Tiredness and pale skin are common signs.",
        day: 8,
    },
    Doc {
        title: "Iron in Your Diet",
        subtitle: "",
        excerpt: "",
        body: "Red meat and lentils help prevent a deficiency.",
        day: 28,
    },
    Doc {
        title: "Sleep and Stress",
        subtitle: "",
        excerpt: "How worry keeps you up",
        body: "Stress raises alertness at the wrong hour.",
        day: 9,
    },
    Doc {
        title: "A Week of Better Sleep",
        subtitle: "",
        excerpt: "",
        body: "Stress less, sleep more: a plan for seven nights.",
        day: 29,
    },
];

/// One judged query: the articles that must come first, in this order, and those that must not
/// appear at all.
struct Judgement {
    rule: &'static str,
    q: &'static str,
    first: &'static [&'static str],
    absent: &'static [&'static str],
}

/// The judged queries, one rule each.
const JUDGEMENTS: [Judgement; 9] = [
    Judgement {
        rule: "a title hit above body-only mentions, even repeated ones",
        q: "insomnia",
        first: &["insomnia-explained", "evening-routines"],
        absent: &[],
    },
    Judgement {
        rule: "a subtitle hit above a body-only mention",
        q: "magnesium",
        first: &["minerals-matter", "leg-cramps-at-night"],
        absent: &[],
    },
    Judgement {
        rule: "all words above some words: an article with only some never appears",
        q: "sleep apnea",
        first: &["snoring-and-your-health"],
        absent: &["apnea-in-divers", "sleep-hygiene"],
    },
    Judgement {
        rule: "an exact phrase above the same words scattered",
        q: "panic attack",
        first: &["calm-under-pressure", "heart-health"],
        absent: &[],
    },
    Judgement {
        rule: "every word in the title above the words in the body; the last word as a prefix",
        q: "anxiety therap",
        first: &["therapy-for-anxiety", "living-with-worry"],
        absent: &[],
    },
    Judgement {
        rule: "a stem in the title above another form of it in the body",
        q: "walking",
        first: &["walk-more-sit-less", "city-life"],
        absent: &[],
    },
    Judgement {
        rule: "a short article about a word above a long one that mentions it once",
        q: "hydration",
        first: &["drink-up", "marathon-training"],
        absent: &[],
    },
    Judgement {
        rule: "both words in the title above one word in the title and one in the body",
        q: "iron deficiency",
        first: &["iron-deficiency", "iron-in-your-diet"],
        absent: &[],
    },
    Judgement {
        rule: "title and excerpt hits above body-only mentions",
        q: "sleep stress",
        first: &["sleep-and-stress"],
        absent: &[],
    },
];

#[actix_web::test]
async fn judged_queries_put_the_expected_articles_first() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"]
        .as_i64()
        .expect("category id");
    for doc in &CORPUS {
        let mut fields = published(&format!("2025-01-{:02}T00:00:00Z", doc.day));
        fields["subtitle"] = json!(doc.subtitle);
        fields["excerpt"] = json!(doc.excerpt);
        fields["sections"] = json!([{"heading": "Part", "body": doc.body}]);
        app.article(doc.title, health, fields).await;
    }
    let mut misses = Vec::new();
    for endpoint in ENDPOINTS {
        for judgement in &JUDGEMENTS {
            let q: String = form_urlencoded::byte_serialize(judgement.q.as_bytes()).collect();
            let results = app
                .get(&format!("{endpoint}q={q}&per_page=50"))
                .await
                .expect(200)
                .body;
            let found = slugs(&results);
            let misplaced = !found.starts_with(judgement.first);
            let intruders: Vec<&&str> = judgement
                .absent
                .iter()
                .filter(|slug| found.contains(slug))
                .collect();
            if misplaced || !intruders.is_empty() {
                misses.push(format!(
                    "{endpoint}, {}: q={:?} answered {found:?}; expected to start with {:?} \
                     and to leave out {:?}",
                    judgement.rule, judgement.q, judgement.first, judgement.absent
                ));
            }
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
