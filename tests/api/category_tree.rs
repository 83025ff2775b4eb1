//! Tests: `GET /categories/tree` (nesting, order, `root`, `depth`, `counts`, bad queries), the
//! `path` on every category representation, and `subtree_ids`.

use crate::common::{spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use chrono::{TimeZone, Utc};
use healthhub::categories::model;
use serde_json::{json, Value};

/// A category's id as an integer.
fn id(category: &Value) -> i64 {
    category["id"].as_i64().expect("an id")
}

/// The `name`s of an array of nodes, in order.
fn names(nodes: &Value) -> Vec<&str> {
    nodes
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect()
}

/// The node named `name` anywhere in `nodes` (a tree or a flat list); `Null` when absent.
fn node<'a>(nodes: &'a Value, name: &str) -> &'a Value {
    all_nodes(nodes)
        .into_iter()
        .find(|n| n["name"] == name)
        .unwrap_or(&Value::Null)
}

/// Every node of `nodes`, depth first (a node without `children` is a leaf).
fn all_nodes(nodes: &Value) -> Vec<&Value> {
    nodes
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .flat_map(|n| std::iter::once(n).chain(all_nodes(&n["children"])))
        .collect()
}

/// Creates a category with a position as an editor and returns its body.
async fn category_at<S, B>(
    app: &TestApp<S>,
    name: &str,
    parent: Option<i64>,
    position: i32,
) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.post(
        &app.editor(),
        "/api/v1/categories",
        json!({"name": name, "parent_id": parent, "position": position}),
    )
    .await
    .expect(201)
    .body
}

/// Health > {Mental Health > {Anxiety, Depression}, Sleep}, Nutrition: returns (health, mental).
async fn health_tree<S, B>(app: &TestApp<S>) -> (Value, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await;
    let mental = app.category("Mental Health", Some(id(&health))).await;
    app.category("Depression", Some(id(&mental))).await;
    app.category("Anxiety", Some(id(&mental))).await;
    app.category("Sleep", Some(id(&health))).await;
    app.category("Nutrition", None).await;
    (health, mental)
}

/// A published article visible from 2025-01-01.
fn published() -> Value {
    json!({"status": "published", "published_at": "2025-01-01T00:00:00Z"})
}

#[actix_web::test]
async fn an_empty_tree_is_an_empty_list() {
    let app = spawn().await;

    let tree = app.get("/api/v1/categories/tree").await.expect(200);

    assert_eq!(tree.body, json!({"data": []}));
}

#[actix_web::test]
async fn tree_nests_children_ordered_by_position_then_name() {
    let app = spawn().await;
    let nutrition = category_at(&app, "Nutrition", None, 1).await;
    let health = category_at(&app, "Health", None, 1).await;
    category_at(&app, "Zen", None, 0).await;
    category_at(&app, "Sleep", Some(id(&health)), 0).await;
    let mental = category_at(&app, "Mental Health", Some(id(&health)), 0).await;
    category_at(&app, "Anxiety", Some(id(&mental)), 5).await;
    category_at(&app, "Depression", Some(id(&mental)), 2).await;
    category_at(&app, "Vitamins", Some(id(&nutrition)), 0).await;

    let tree = app.get("/api/v1/categories/tree").await.expect(200);

    let data = &tree.body["data"];
    assert_eq!(names(data), ["Zen", "Health", "Nutrition"]);
    let health_node = &data[1];
    assert_eq!(health_node["id"], health["id"]);
    assert_eq!(health_node["slug"], "health");
    assert_eq!(health_node["description"], "");
    assert_eq!(health_node["parent_id"], Value::Null);
    assert_eq!(health_node["position"], 1);
    assert_eq!(health_node["path"], "health");
    assert_eq!(names(&health_node["children"]), ["Mental Health", "Sleep"]);
    let mental_node = &health_node["children"][0];
    assert_eq!(mental_node["parent_id"], health["id"]);
    assert_eq!(mental_node["path"], "health/mental-health");
    assert_eq!(names(&mental_node["children"]), ["Depression", "Anxiety"]);
    assert_eq!(
        mental_node["children"][1]["path"],
        "health/mental-health/anxiety"
    );
    assert_eq!(mental_node["children"][1]["children"], json!([]));
    assert_eq!(names(&data[2]["children"]), ["Vitamins"]);
    assert_eq!(data[2]["children"][0]["path"], "nutrition/vitamins");
    assert_eq!(data[0]["children"], json!([]));
    assert_eq!(all_nodes(data).len(), 8);
    assert_eq!(tree.body.as_object().unwrap().len(), 1, "only `data`");
}

#[actix_web::test]
async fn path_is_on_list_get_create_and_patch_responses() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let mental = app.category("Mental Health", Some(id(&health))).await;
    let anxiety = app.category("Anxiety", Some(id(&mental))).await;

    assert_eq!(health["path"], "health");
    assert_eq!(mental["path"], "health/mental-health");
    assert_eq!(anxiety["path"], "health/mental-health/anxiety");

    let list = app.get("/api/v1/categories").await.expect(200);
    let paths: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().expect("a path"))
        .collect();
    assert_eq!(
        paths,
        [
            "health/mental-health/anxiety",
            "health",
            "health/mental-health"
        ]
    );
    let children = app
        .get("/api/v1/categories?parent=health")
        .await
        .expect(200);
    assert_eq!(children.body["data"][0]["path"], "health/mental-health");

    let got = app
        .get("/api/v1/categories/mental-health")
        .await
        .expect(200);
    assert_eq!(got.body["path"], "health/mental-health");
    assert_eq!(
        got.body["children"][0]["path"],
        "health/mental-health/anxiety"
    );

    let patched = app
        .patch(
            &app.editor(),
            "/api/v1/categories/anxiety",
            json!({"name": "Anxiety & Worry"}),
        )
        .await
        .expect(200);
    assert_eq!(patched.body["path"], "health/mental-health/anxiety");
}

#[actix_web::test]
async fn moving_a_category_changes_its_path_and_its_descendants_paths() {
    let app = spawn().await;
    let (_, mental) = health_tree(&app).await;
    let wellbeing = app.category("Wellbeing", None).await;

    let moved = app
        .patch(
            &app.editor(),
            &format!("/api/v1/categories/{}", id(&mental)),
            json!({"parent_id": wellbeing["id"]}),
        )
        .await
        .expect(200);

    assert_eq!(moved.body["path"], "wellbeing/mental-health");
    let anxiety = app.get("/api/v1/categories/anxiety").await.expect(200);
    assert_eq!(anxiety.body["path"], "wellbeing/mental-health/anxiety");
    let tree = app.get("/api/v1/categories/tree").await.expect(200);
    let data = &tree.body["data"];
    assert_eq!(names(&node(data, "Health")["children"]), ["Sleep"]);
    assert_eq!(
        node(data, "Depression")["path"],
        "wellbeing/mental-health/depression"
    );

    let renamed = app
        .patch(
            &app.editor(),
            "/api/v1/categories/wellbeing",
            json!({"slug": "well-being"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["path"], "well-being");
    let list = app.get("/api/v1/categories").await.expect(200);
    let depression = node(&list.body["data"], "Depression");
    assert_eq!(depression["path"], "well-being/mental-health/depression");

    let to_top = app
        .patch(
            &app.editor(),
            "/api/v1/categories/mental-health",
            json!({"parent_id": null}),
        )
        .await
        .expect(200);
    assert_eq!(to_top.body["path"], "mental-health");
    let anxiety = app.get("/api/v1/categories/anxiety").await.expect(200);
    assert_eq!(anxiety.body["path"], "mental-health/anxiety");
}

#[actix_web::test]
async fn root_selects_one_subtree_by_slug_or_by_id() {
    let app = spawn().await;
    let (_, mental) = health_tree(&app).await;

    for root in ["mental-health".to_owned(), id(&mental).to_string()] {
        let tree = app
            .get(&format!("/api/v1/categories/tree?root={root}"))
            .await
            .expect(200);
        let data = &tree.body["data"];
        assert_eq!(names(data), ["Mental Health"], "root={root}");
        assert_eq!(data[0]["path"], "health/mental-health");
        assert_eq!(names(&data[0]["children"]), ["Anxiety", "Depression"]);
        assert_eq!(all_nodes(data).len(), 3);
    }

    let leaf = app
        .get("/api/v1/categories/tree?root=anxiety")
        .await
        .expect(200);
    assert_eq!(names(&leaf.body["data"]), ["Anxiety"]);
    assert_eq!(leaf.body["data"][0]["children"], json!([]));
}

#[actix_web::test]
async fn an_unknown_root_is_a_404() {
    let app = spawn().await;
    health_tree(&app).await;

    for root in ["nowhere", "999", "99999999999999999999"] {
        app.get(&format!("/api/v1/categories/tree?root={root}"))
            .await
            .expect_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn depth_limits_the_levels_returned() {
    let app = spawn().await;
    health_tree(&app).await;

    let one = app.get("/api/v1/categories/tree?depth=1").await.expect(200);
    assert_eq!(names(&one.body["data"]), ["Health", "Nutrition"]);
    assert!(all_nodes(&one.body["data"])
        .iter()
        .all(|n| n["children"] == json!([])));

    let two = app.get("/api/v1/categories/tree?depth=2").await.expect(200);
    let data = &two.body["data"];
    assert_eq!(names(&data[0]["children"]), ["Mental Health", "Sleep"]);
    assert_eq!(data[0]["children"][0]["children"], json!([]));
    assert_eq!(all_nodes(data).len(), 4);

    let sixteen = app
        .get("/api/v1/categories/tree?depth=16")
        .await
        .expect(200);
    assert_eq!(all_nodes(&sixteen.body["data"]).len(), 6);

    let subtree = app
        .get("/api/v1/categories/tree?root=health&depth=2")
        .await
        .expect(200);
    let data = &subtree.body["data"];
    assert_eq!(names(data), ["Health"]);
    assert_eq!(names(&data[0]["children"]), ["Mental Health", "Sleep"]);
    assert_eq!(data[0]["children"][0]["children"], json!([]));
}

#[actix_web::test]
async fn a_depth_outside_1_to_16_or_not_a_number_is_a_400() {
    let app = spawn().await;
    health_tree(&app).await;

    for depth in ["0", "17", "x", "-1", "1.5", ""] {
        app.get(&format!("/api/v1/categories/tree?depth={depth}"))
            .await
            .expect_problem(400, "bad_request");
    }
}

#[actix_web::test]
async fn an_unknown_or_malformed_query_parameter_is_a_400() {
    let app = spawn().await;
    health_tree(&app).await;

    for query in [
        "colour=green",
        "count=true",
        "counts=maybe",
        "depth=1&depth=2",
        "root=health&parent=health",
    ] {
        app.get(&format!("/api/v1/categories/tree?{query}"))
            .await
            .expect_problem(400, "bad_request");
    }
}

#[actix_web::test]
async fn counts_are_direct_and_subtree_counts_of_what_anonymous_readers_see() {
    let app = spawn().await;
    let (health, mental) = health_tree(&app).await;
    let anxiety = app.get("/api/v1/categories/anxiety").await.body;
    app.article("Why We Sleep", id(&health), published()).await;
    app.article("A Draft", id(&health), json!({})).await;
    app.article("Do Therapists Cry?", id(&mental), published())
        .await;
    app.article("Talking Helps", id(&mental), published()).await;
    app.article(
        "Coming Soon",
        id(&mental),
        json!({"status": "published", "published_at": "2026-07-01T00:00:00Z"}),
    )
    .await;
    app.article("Breathing", id(&anxiety), published()).await;

    let tree = app
        .get("/api/v1/categories/tree?counts=true")
        .await
        .expect(200);

    let data = &tree.body["data"];
    let counts = |name: &str| {
        let n = node(data, name);
        (
            n["article_count"].clone(),
            n["subtree_article_count"].clone(),
        )
    };
    assert_eq!(counts("Health"), (json!(1), json!(4)));
    assert_eq!(counts("Mental Health"), (json!(2), json!(3)));
    assert_eq!(counts("Anxiety"), (json!(1), json!(1)));
    assert_eq!(counts("Depression"), (json!(0), json!(0)));
    assert_eq!(counts("Sleep"), (json!(0), json!(0)));
    assert_eq!(counts("Nutrition"), (json!(0), json!(0)));

    let shallow = app
        .get("/api/v1/categories/tree?counts=true&depth=1")
        .await
        .expect(200);
    let top = node(&shallow.body["data"], "Health");
    assert_eq!(top["subtree_article_count"], 4, "the whole subtree counts");
    let subtree = app
        .get("/api/v1/categories/tree?counts=true&root=mental-health")
        .await
        .expect(200);
    assert_eq!(subtree.body["data"][0]["subtree_article_count"], 3);

    app.set_now(Utc.with_ymd_and_hms(2026, 7, 2, 0, 0, 0).unwrap());
    let later = app
        .get("/api/v1/categories/tree?counts=true")
        .await
        .expect(200);
    let data = &later.body["data"];
    assert_eq!(node(data, "Mental Health")["article_count"], 3);
    assert_eq!(node(data, "Mental Health")["subtree_article_count"], 4);
    assert_eq!(node(data, "Health")["article_count"], 1);
    assert_eq!(node(data, "Health")["subtree_article_count"], 5);
}

#[actix_web::test]
async fn without_counts_the_count_keys_are_absent() {
    let app = spawn().await;
    let (health, _) = health_tree(&app).await;
    app.article("Why We Sleep", id(&health), published()).await;

    for query in ["", "?counts=false", "?depth=2"] {
        let tree = app
            .get(&format!("/api/v1/categories/tree{query}"))
            .await
            .expect(200);
        for n in all_nodes(&tree.body["data"]) {
            let keys = n.as_object().unwrap();
            assert!(
                !keys.contains_key("article_count") && !keys.contains_key("subtree_article_count"),
                "{query}: {n}"
            );
        }
    }
}

#[actix_web::test]
async fn the_slug_tree_is_reserved_for_the_tree_route() {
    let app = spawn().await;

    let generated = app.category("Tree", None).await;
    assert_eq!(generated["slug"], "tree-2");
    let reply = app
        .post(
            &app.editor(),
            "/api/v1/categories",
            json!({"name": "Trees", "slug": "tree"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["slug"]);
    app.patch(
        &app.editor(),
        "/api/v1/categories/tree-2",
        json!({"slug": "tree"}),
    )
    .await
    .expect_problem(422, "validation_failed");

    let tree = app.get("/api/v1/categories/tree").await.expect(200);
    assert_eq!(names(&tree.body["data"]), ["Tree"]);
}

#[actix_web::test]
async fn subtree_ids_are_the_root_then_its_descendants_level_by_level() {
    let app = spawn().await;
    health_tree(&app).await;
    let list = app.get("/api/v1/categories").await.expect(200);
    let id_of = |name: &str| i32::try_from(id(node(&list.body["data"], name))).unwrap();
    let (health, mental, nutrition) = (id_of("Health"), id_of("Mental Health"), id_of("Nutrition"));

    let (of_health, of_mental, of_leaf, of_missing) = app
        .state
        .db
        .read(move |conn| {
            Ok((
                model::subtree_ids(conn, health)?,
                model::subtree_ids(conn, mental)?,
                model::subtree_ids(conn, nutrition)?,
                model::subtree_ids(conn, 999)?,
            ))
        })
        .await
        .expect("query");

    let mut level_one = vec![mental, id_of("Sleep")];
    level_one.sort_unstable();
    let mut level_two = vec![id_of("Anxiety"), id_of("Depression")];
    level_two.sort_unstable();
    assert_eq!(
        of_health,
        [vec![health], level_one, level_two.clone()].concat()
    );
    assert_eq!(of_mental, [vec![mental], level_two].concat());
    assert_eq!(of_leaf, [nutrition]);
    assert!(of_missing.is_empty());
}
