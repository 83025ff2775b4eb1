// @generated automatically by Diesel CLI.

diesel::table! {
    articles (id) {
        id -> Integer,
        slug -> Text,
        title -> Text,
        subtitle -> Text,
        excerpt -> Text,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        category_id -> Integer,
        view_count -> BigInt,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        unpublish_at -> Nullable<Timestamp>,
        word_count -> Integer,
        derived_excerpt -> Text,
    }
}

diesel::table! {
    categories (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        description -> Text,
        parent_id -> Nullable<Integer>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sections (id) {
        id -> Integer,
        article_id -> Integer,
        position -> Integer,
        heading -> Text,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slug_redirects (kind, old_slug) {
        kind -> Text,
        old_slug -> Text,
        target_id -> Integer,
        created_at -> Timestamp,
    }
}

diesel::joinable!(articles -> categories (category_id));
diesel::joinable!(sections -> articles (article_id));

diesel::allow_tables_to_appear_in_same_query!(articles, categories, sections, slug_redirects,);
