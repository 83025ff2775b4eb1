//! The OpenAPI 3.1 document: every route, body, parameter and error response, plus the bearer scheme.

use crate::articles::ArticlesApi;
use crate::auth::{AuthApi, Scope};
use crate::categories::CategoriesApi;
use crate::changes::ChangesApi;
use crate::error::FieldError;
use crate::error::{ApiError, ApiResult};
use crate::http::problem::Problem;
use crate::http::{health, index, metrics, openapi_responses as responses};
use crate::media::MediaApi;
use crate::people::PeopleApi;
use crate::previews::PreviewsApi;
use crate::references::ReferencesApi;
use crate::revisions::RevisionsApi;
use crate::sections::SectionsApi;
use crate::site::SiteApi;
use crate::tags::TagsApi;
use crate::webhooks::WebhooksApi;
use actix_web::http::header;
use actix_web::HttpResponse;
use std::sync::LazyLock;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::ArrayItems;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    AllOfBuilder, HeaderBuilder, ObjectBuilder, OneOfBuilder, Ref, RefOr, Required,
    ResponseBuilder, Schema, SchemaFormat, Type,
};
use utoipa::{Modify, OpenApi};

/// The base of the document: its info and tags, the probes, and the problem bodies every
/// resource answers with. [`document`] merges each resource's part into it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "HealthHub Content API",
        description = "A headless JSON/REST content API for a health publication: a category tree, \
articles and their ordered sections.\n\n\
Reads are public and see published articles whose `published_at` has passed. Writes need \
`Authorization: Bearer <token>` with the `content:write` scope; publishing needs `content:publish`; \
seeing drafts needs `content:read`. Mint a token with `healthhub token create` (`cargo run --release -- token create` on a fresh clone).\n\n\
Every error is an RFC 9457 `application/problem+json` body with a stable `code`; validation \
failures (422) list each bad field in `errors`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "The origin this document is served from")),
    paths(index::api_index, health::healthz, health::readyz, metrics::metrics),
    components(
        schemas(Problem, FieldError, health::HealthStatus, index::ApiIndex, index::IndexLinks, index::IndexTemplates),
        responses(
            responses::BadRequest,
            responses::Unauthorized,
            responses::Forbidden,
            responses::NotFound,
            responses::Conflict,
            responses::PreconditionFailed,
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType,
            responses::ValidationFailed,
            responses::RateLimited,
            responses::UriTooLong,
            responses::Unavailable,
            responses::Gone,
        )
    ),
    tags(
        (name = "categories", description = "The category tree (HOME > Health > Mental Health)"),
        (name = "articles", description = "Articles: list, read, write, publish, count views"),
        (name = "sections", description = "The ordered heading + body blocks of an article"),
        (name = "references", description = "The works an article cites, in order"),
        (name = "people", description = "Authors and medical reviewers"),
        (name = "tags", description = "Topics across categories, with their counts of published articles"),
        (name = "media", description = "The media library: uploaded images (metadata stripped, stored by content hash), their texts, variants and files"),
        (name = "health", description = "Liveness and readiness probes"),
        (name = "auth", description = "The caller's bearer token"),
        (name = "index", description = "The index of the API: where everything is"),
        (name = "revisions", description = "Every version of an article: list, read, restore"),
        (name = "previews", description = "Preview links: a short-lived token that reads one article, whatever its status, and nothing else"),
        (name = "changes", description = "The ordered log of every change: the feed webhooks deliver"),
        (name = "webhooks", description = "Signed, retried deliveries of the changes log to your URLs (Standard Webhooks)"),
        (name = "site", description = "Documents for the public website: the Atom feed and the sitemap, linking to its pages"),
    )
)]
pub struct ApiDoc;

/// The generated document, served at `/openapi.json` and committed as `openapi/openapi.json`:
/// [`ApiDoc`], then each resource's part merged in, then the modifiers that walk every path
/// (bearer scheme, caching headers, idempotency keys, abuse limits). A part's own tags are
/// dropped: [`ApiDoc`] declares each tag once, with its description.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    let parts = [
        CategoriesApi::openapi(),
        ArticlesApi::openapi(),
        SectionsApi::openapi(),
        ReferencesApi::openapi(),
        PeopleApi::openapi(),
        TagsApi::openapi(),
        MediaApi::openapi(),
        AuthApi::openapi(),
        ChangesApi::openapi(),
        RevisionsApi::openapi(),
        PreviewsApi::openapi(),
        WebhooksApi::openapi(),
        SiteApi::openapi(),
    ];
    for mut part in parts {
        part.tags = None;
        document.merge(part);
    }
    let modifiers: [&dyn Modify; 9] = [
        &BearerScheme,
        &HttpCaching,
        &IdempotencyKeys,
        &AbuseLimits,
        &PreviewConfinement,
        &Preconditions,
        &TextSyntax,
        &PathKeys,
        &OneImageSource,
    ];
    for modifier in modifiers {
        modifier.modify(&mut document);
    }
    document
}

/// Adds the `bearer` security scheme (HS256 JWTs minted by `healthhub token create`).
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(format!(
                        "A JWT from `healthhub token create`; scopes: {}. A preview link's token \
                         (`POST /api/v1/articles/{{id_or_slug}}/preview`) carries no scope: it \
                         reads its one article and is refused (403) everywhere else.",
                        Scope::ALL.map(Scope::as_str).join(", ")
                    )))
                    .build(),
            ),
        );
    }
}

/// Documents HTTP caching on every `GET /api/v1/...` and on the site's documents: the `If-None-Match` and
/// `If-Modified-Since` request headers, the `ETag`, `Last-Modified` and `Cache-Control` response
/// headers of a `200`, and the `304 Not Modified` answer (see `src/caching/mod.rs`).
struct HttpCaching;

/// The name of the shared `304` response under `components/responses`.
const NOT_MODIFIED: &str = "NotModified";

impl HttpCaching {
    fn string() -> Schema {
        ObjectBuilder::new().schema_type(Type::String).into()
    }

    /// The validators and caching directives a cacheable read answers with.
    fn response_headers() -> [(&'static str, utoipa::openapi::Header); 3] {
        let header = |description: &str| {
            HeaderBuilder::new()
                .schema(Self::string())
                .description(Some(description))
                .build()
        };
        [
            (
                "ETag",
                header(
                    "Strong entity tag of this representation, derived from a hash of the body, \
                     e.g. `\"1a2b3c4d5e6f7a8b\"`. An article's tag starts with its version, \
                     e.g. `\"3-1a2b3c4d5e6f7a8b\"`, and is accepted as is by `If-Match`.",
                ),
            ),
            (
                "Last-Modified",
                header(
                    "When the published content last changed (a write, or a scheduled article \
                     going live or coming down), as an HTTP date. Absent during the second of a change.",
                ),
            ),
            (
                "Cache-Control",
                header(
                    "`public, max-age=60, stale-while-revalidate=300` (configurable) for anonymous \
                     reads; `private, no-store` for requests with `Authorization`.",
                ),
            ),
        ]
    }

    /// The conditional request headers of a read.
    fn parameters() -> [utoipa::openapi::path::Parameter; 2] {
        let header = |name: &str, description: &str, example: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(Self::string()))
                .example(Some(serde_json::Value::from(example)))
                .build()
        };
        [
            header(
                "If-None-Match",
                "Entity tags of cached copies (or `*`); when one matches, the answer is `304` \
                 with no body.",
                "\"1a2b3c4d5e6f7a8b\"",
            ),
            header(
                "If-Modified-Since",
                "The `Last-Modified` of a cached copy; ignored when `If-None-Match` is sent. \
                 When nothing changed since, the answer is `304` with no body.",
                "Mon, 01 Jun 2026 12:00:00 GMT",
            ),
        ]
    }
}

impl Modify for HttpCaching {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut not_modified = ResponseBuilder::new()
            .description("Not modified: the cached copy is current")
            .build();
        not_modified
            .headers
            .extend(Self::response_headers().map(|(name, header)| (name.to_owned(), header)));
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .responses
            .insert(NOT_MODIFIED.to_owned(), RefOr::T(not_modified));

        let reads = openapi
            .paths
            .paths
            .iter_mut()
            .filter(|(path, _)| {
                path.starts_with("/api/v1")
                    || [
                        crate::site::urls::FEED_PATH,
                        crate::site::urls::SITEMAP_PATH,
                    ]
                    .contains(&path.as_str())
            })
            .filter_map(|(_, item)| item.get.as_mut());
        for operation in reads {
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .extend(Self::parameters());
            let responses = &mut operation.responses.responses;
            if let Some(RefOr::T(ok)) = responses.get_mut("200") {
                ok.headers.extend(
                    Self::response_headers().map(|(name, header)| (name.to_owned(), header)),
                );
            }
            responses.insert(
                "304".to_owned(),
                RefOr::Ref(Ref::from_response_name(NOT_MODIFIED)),
            );
        }
    }
}

/// Documents `Idempotency-Key` on every `POST /api/v1/...` (see `src/idempotency.rs`): the
/// optional request header, the `Idempotent-Replayed` header of a replayed success, and the
/// answers the key itself can cause (400 malformed key, 409 still in progress, 413 body too
/// large to fingerprint, 422 key reused for a different request).
struct IdempotencyKeys;

impl IdempotencyKeys {
    fn parameter() -> utoipa::openapi::path::Parameter {
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(crate::http::middleware::idempotency::MAX_KEY_LENGTH))
            .pattern(Some("^[!-~]+$"))
            .build();
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "A unique key (1–255 visible ASCII characters, e.g. a UUID) that makes retrying \
                 this request safe: for 24 hours, the same key with the same method, path, body \
                 and caller gets the first successful response again (with \
                 `Idempotent-Replayed: true`) without a second write. The same key with a \
                 different request is a 422 (`idempotency_key_reused`); while the first request \
                 is still running, a 409 (`idempotency_key_in_use`). Failed requests are not \
                 remembered, so a corrected retry may reuse the key. Keys are per token subject.",
            ))
            .schema(Some(schema))
            .example(Some(serde_json::Value::from(
                "8e03978e-40d5-43e8-bc93-6894a57f9324",
            )))
            .build()
    }

    fn replayed_header() -> utoipa::openapi::Header {
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String).build())
            .description(Some(
                "`true` when this is the stored response to an earlier request with the same \
                 `Idempotency-Key`.",
            ))
            .build()
    }

    /// Adds `sentence` to the description of the shared response `name`.
    fn explain(openapi: &mut utoipa::openapi::OpenApi, name: &str, sentence: &str) {
        let shared = openapi
            .components
            .as_mut()
            .and_then(|components| components.responses.get_mut(name));
        if let Some(RefOr::T(response)) = shared {
            response.description = format!("{} {sentence}", response.description);
        }
    }
}

impl Modify for IdempotencyKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        Self::explain(
            openapi,
            "Conflict",
            "On a POST: a request with the same `Idempotency-Key` is still in progress \
             (`idempotency_key_in_use`).",
        );
        Self::explain(
            openapi,
            "ValidationFailed",
            "On a POST: the `Idempotency-Key` was already used for a different request \
             (`idempotency_key_reused`).",
        );
        let posts = openapi
            .paths
            .paths
            .iter_mut()
            .filter(|(path, _)| path.starts_with("/api/v1"))
            .filter_map(|(_, item)| item.post.as_mut());
        for operation in posts {
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .push(Self::parameter());
            let responses = &mut operation.responses.responses;
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(success)) = (status.starts_with('2'), response) {
                    success
                        .headers
                        .insert("Idempotent-Replayed".to_owned(), Self::replayed_header());
                }
            }
            for (status, name) in [
                ("400", "BadRequest"),
                ("409", "Conflict"),
                ("413", "PayloadTooLarge"),
                ("422", "ValidationFailed"),
            ] {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
            }
        }
    }
}

/// Documents the abuse limits (see `src/limits.rs`): every operation may answer `414` (URL path
/// or query string too long) and, except the probes, `429` (rate limited) and `503` (no database
/// connection free in time); the successes and `304`s of limited operations carry the
/// `RateLimit-*` headers.
struct AbuseLimits;

impl AbuseLimits {
    /// The `RateLimit-*` headers of a response to a limited operation.
    fn quota_headers() -> [(String, utoipa::openapi::Header); 3] {
        let header = |description: &str| {
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some(description))
                .build()
        };
        [
            (
                "RateLimit-Limit".to_owned(),
                header(
                    "Requests the tightest quota that applies allows per period: per client \
                     address a minute (`HEALTHHUB_RATE_LIMIT_READS`), or per token subject a \
                     minute for writes (`HEALTHHUB_RATE_LIMIT_WRITES`).",
                ),
            ),
            (
                "RateLimit-Remaining".to_owned(),
                header("Requests left in that quota."),
            ),
            (
                "RateLimit-Reset".to_owned(),
                header("Seconds until that quota is whole again."),
            ),
        ]
    }
}

impl Modify for AbuseLimits {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limited = !crate::limits::UNLIMITED_PATHS.contains(&path.as_str());
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses
                    .entry("414".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("UriTooLong")));
                if !limited {
                    continue;
                }
                for (status, response) in responses.iter_mut() {
                    if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                        response.headers.extend(Self::quota_headers());
                    }
                }
                responses
                    .entry("429".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("RateLimited")));
                responses
                    .entry("503".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Unavailable")));
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        if let Some(RefOr::T(not_modified)) = components.responses.get_mut(NOT_MODIFIED) {
            not_modified.headers.extend(Self::quota_headers());
        }
    }
}

/// Documents on every operation the `403` a preview link's token gets anywhere but on a read of
/// its own article (`http::middleware::preview_scope`).
struct PreviewConfinement;

impl Modify for PreviewConfinement {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.head,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                operation
                    .responses
                    .responses
                    .entry("403".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Forbidden")));
            }
        }
    }
}

/// Gives every `{id_or_slug}` path parameter the syntax of the segments that can name something
/// ([`crate::support::key::KEY_PATTERN`]), and every `{token_id}` that of the ids tokens are
/// minted with (UUIDs), so that a client generated from the document sends keys the server can
/// resolve, short enough for any URL.
struct PathKeys;

impl Modify for PathKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let id_or_slug: RefOr<Schema> = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(crate::support::key::KEY_PATTERN))
            .min_length(Some(1))
            .max_length(Some(crate::support::key::MAX_KEY_LEN))
            .build()
            .into();
        let token_id: RefOr<Schema> = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("uuid".to_owned())))
            .min_length(Some(36))
            .max_length(Some(36))
            .pattern(Some(
                "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            ))
            .build()
            .into();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.head,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    let schema = match parameter.name.as_str() {
                        "id_or_slug" => &id_or_slug,
                        "token_id" => &token_id,
                        _ => continue,
                    };
                    if parameter.parameter_in == ParameterIn::Path {
                        parameter.schema = Some(schema.clone());
                    }
                }
            }
        }
    }
}

/// The document as pretty-printed JSON with a trailing newline (the committed form).
pub fn to_pretty_json() -> serde_json::Result<String> {
    document().to_pretty_json().map(|json| json + "\n")
}

/// The document as served, serialized once per process.
static SERVED: LazyLock<Result<Vec<u8>, String>> =
    LazyLock::new(|| serde_json::to_vec(&document()).map_err(|error| error.to_string()));

/// `GET /openapi.json`: the document (HEAD answers like it, other methods are 405).
pub async fn serve_document() -> ApiResult<HttpResponse> {
    let body = SERVED.as_ref().map_err(|error| {
        ApiError::Internal(anyhow::anyhow!("serializing the document: {error}"))
    })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(body.clone()))
}

/// Gives every `If-Match` header parameter its syntax (`http::conditional::IF_MATCH_PATTERN`), so that what the
/// document allows is what the server takes.
struct Preconditions;

impl Modify for Preconditions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.put.as_mut(),
                item.post.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            let parameters = operations
                .into_iter()
                .flatten()
                .filter_map(|operation| operation.parameters.as_mut())
                .flatten()
                .filter(|parameter| parameter.name == "If-Match");
            for parameter in parameters {
                parameter.schema = Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(crate::http::conditional::IF_MATCH_PATTERN))
                        .into(),
                );
            }
        }
    }
}

/// Says in the schema what `FeatureImage`'s description says, for validators and generated
/// clients: exactly one of `media_id` (an integer) and `source_url` (a string) is given, the
/// other absent or `null` (`allOf` the properties and a `oneOf` of the two). Runs after
/// [`TextSyntax`], which gives `source_url` its pattern.
struct OneImageSource;

impl Modify for OneImageSource {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let Some(RefOr::T(properties)) = components.schemas.remove("FeatureImage") else {
            return;
        };
        let given = |property: &str, kind: Type| {
            ObjectBuilder::new()
                .property(property, ObjectBuilder::new().schema_type(kind))
                .required(property)
        };
        let one_source = OneOfBuilder::new()
            .item(given("media_id", Type::Integer))
            .item(given("source_url", Type::String));
        let schema = AllOfBuilder::new().item(properties).item(one_source);
        components.schemas.insert(
            "FeatureImage".to_owned(),
            RefOr::T(Schema::AllOf(schema.build())),
        );
    }
}

/// Gives every text property of the request bodies its syntax (`pattern`, `minLength`,
/// `maxLength`) from the same `support::validate::Syntax` values the checks use.
struct TextSyntax;

impl Modify for TextSyntax {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let fields = crate::articles::input::TEXT_FIELDS
            .iter()
            .chain(crate::categories::input::TEXT_FIELDS)
            .chain(crate::sections::input::TEXT_FIELDS)
            .chain(crate::references::input::TEXT_FIELDS)
            .chain(crate::people::input::TEXT_FIELDS)
            .chain(crate::tags::input::TEXT_FIELDS)
            .chain(crate::articles::seo::TEXT_FIELDS)
            .chain(crate::media::input::TEXT_FIELDS)
            .chain(crate::webhooks::input::TEXT_FIELDS)
            .map(|(schema, property, syntax)| {
                let (pattern, min) = (syntax.pattern(), syntax.min_length());
                (*schema, *property, pattern, min, syntax.max_length())
            });
        let url_fields = crate::webhooks::input::URL_FIELDS.iter();
        let urls = url_fields
            .chain(crate::references::input::URL_FIELDS)
            .map(|schema| (*schema, "url"))
            .chain([
                ("SeoInput", "canonical_url"),
                ("FeatureImage", "source_url"),
            ])
            .map(|(schema, property)| {
                let pattern = Some(crate::webhooks::target::URL_PATTERN);
                (
                    schema,
                    property,
                    pattern,
                    None,
                    crate::webhooks::target::MAX_URL_LEN,
                )
            });
        let identifiers = crate::references::input::IDENTIFIER_FIELDS.iter().map(
            |(schema, property, pattern, max)| (*schema, *property, Some(*pattern), None, *max),
        );
        for (schema, property, pattern, min_length, max_length) in
            fields.chain(urls).chain(identifiers)
        {
            if let Some(text) = property_object(components, schema, property) {
                text.pattern = pattern.map(str::to_owned);
                text.min_length = min_length;
                text.max_length = Some(max_length);
            }
        }
        for (schema, property) in crate::articles::input::UNIQUE_LIST_FIELDS {
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) else {
                continue;
            };
            if let Some(RefOr::T(Schema::Array(list))) = object.properties.get_mut(*property) {
                list.unique_items = true;
            }
        }
        for (schema, property) in crate::people::input::URL_LIST_FIELDS {
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) else {
                continue;
            };
            let Some(RefOr::T(Schema::Array(list))) = object.properties.get_mut(*property) else {
                continue;
            };
            if let ArrayItems::RefOrSchema(item) = &mut list.items {
                if let RefOr::T(Schema::Object(url)) = item.as_mut() {
                    url.pattern = Some(crate::webhooks::target::URL_PATTERN.to_owned());
                    url.max_length = Some(crate::webhooks::target::MAX_URL_LEN);
                }
            }
        }
    }
}

/// The schema object of `property` in component `schema`, if both are inline objects.
fn property_object<'a>(
    components: &'a mut utoipa::openapi::Components,
    schema: &str,
    property: &str,
) -> Option<&'a mut utoipa::openapi::schema::Object> {
    let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else {
        return None;
    };
    match object.properties.get_mut(property) {
        Some(RefOr::T(Schema::Object(text))) => Some(text),
        _ => None,
    }
}
