// @generated automatically by Diesel CLI.

diesel::table! {
    api_tokens (jti) {
        jti -> Text,
        subject -> Text,
        scopes -> Text,
        kid -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

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
        public_logged -> Bool,
    }
}

diesel::table! {
    article_authors (article_id, position) {
        article_id -> Integer,
        person_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    article_references (id) {
        id -> Integer,
        article_id -> Integer,
        position -> Integer,
        title -> Text,
        url -> Text,
        publisher -> Text,
        year -> Nullable<Integer>,
        doi -> Nullable<Text>,
        pubmed_id -> Nullable<Text>,
    }
}

diesel::table! {
    article_reviews (article_id) {
        article_id -> Integer,
        reviewer_id -> Integer,
        reviewed_at -> Date,
    }
}

diesel::table! {
    article_revisions (article_id, version) {
        article_id -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        subject -> Nullable<Text>,
        snapshot -> Text,
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
        version -> Integer,
    }
}

diesel::table! {
    change_log_state (id) {
        id -> Integer,
        pruned_through -> BigInt,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        at -> Timestamp,
        event -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Integer>,
        token_id -> Nullable<Text>,
        slug -> Nullable<Text>,
        old_slug -> Nullable<Text>,
        version -> Nullable<Integer>,
        subject -> Nullable<Text>,
        public_before -> Nullable<Bool>,
        public_after -> Nullable<Bool>,
    }
}

diesel::table! {
    idempotency_keys (subject, key) {
        key -> Text,
        subject -> Text,
        method -> Text,
        path -> Text,
        body_sha256 -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        credentials -> Text,
        bio -> Text,
        bio_html -> Text,
        links -> Text,
        version -> Integer,
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
        body_html -> Nullable<Text>,
        body_text -> Text,
    }
}

diesel::table! {
    article_seo (article_id) {
        article_id -> Integer,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        canonical_url -> Nullable<Text>,
        og_image_id -> Nullable<Integer>,
    }
}

diesel::table! {
    article_tags (article_id, position) {
        article_id -> Integer,
        tag_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    tags (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        description -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    article_feature_images (article_id) {
        article_id -> Integer,
        media_id -> Nullable<Integer>,
        source_url -> Nullable<Text>,
        alt -> Text,
        caption -> Text,
    }
}

diesel::table! {
    media (id) {
        id -> Integer,
        sha256 -> Text,
        media_type -> Text,
        byte_size -> BigInt,
        width -> Integer,
        height -> Integer,
        alt -> Text,
        caption -> Text,
        credit -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    person_avatars (person_id) {
        person_id -> Integer,
        media_id -> Integer,
        alt -> Text,
    }
}

diesel::table! {
    media_variants (media_id, width) {
        media_id -> Integer,
        width -> Integer,
        height -> Integer,
        byte_size -> BigInt,
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

diesel::table! {
    webhook_deliveries (id) {
        id -> Integer,
        webhook_id -> Integer,
        seq -> BigInt,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_duration_ms -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        response_excerpt -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Integer,
        url -> Text,
        events -> Text,
        secret -> Text,
        enabled -> Bool,
        description -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        cursor_seq -> BigInt,
        consecutive_failures -> Integer,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
    }
}

diesel::joinable!(article_references -> articles (article_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(articles -> categories (category_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(article_feature_images -> articles (article_id));
diesel::joinable!(article_feature_images -> media (media_id));
diesel::joinable!(media_variants -> media (media_id));
diesel::joinable!(person_avatars -> media (media_id));
diesel::joinable!(person_avatars -> people (person_id));
diesel::joinable!(sections -> articles (article_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::allow_tables_to_appear_in_same_query!(
    article_authors,
    article_feature_images,
    article_references,
    article_reviews,
    api_tokens,
    article_revisions,
    articles,
    change_log_state,
    changes,
    categories,
    idempotency_keys,
    media,
    media_variants,
    people,
    person_avatars,
    sections,
    slug_redirects,
    article_tags,
    article_seo,
    tags,
    webhook_deliveries,
    webhooks,
);
