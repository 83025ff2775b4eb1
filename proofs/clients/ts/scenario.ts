// The TypeScript client scenario of proofs/clients.sh: types generated from openapi/openapi.json
// by openapi-typescript, requests sent by openapi-fetch, against a live server. Every step checks
// its status and fields and the first failure ends the run with a non-zero exit status. The code
// relies on the generated types alone: the proof script refuses this file if it finds an escape
// hatch from the type checker in it.
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Schemas = components["schemas"];
type Problem = Schemas["Problem"];

// ---------------------------------------------------------------------------------------------
// Fields that are optional by design: embeds present only when included, search-only fields,
// the body of a section in the chosen format, the cursor of a cursor-paged list.

/**
 * The version an entity tag names: its opaque part up to the first `-` (`"3"`, `"3-<digest>"`,
 * and either with a content-coding suffix like `-gzip` when the body was compressed).
 */
function versionOf(etag: string): number {
  const match = /^"(\d+)(-[A-Za-z0-9-]+)?"$/.exec(etag);
  if (match === null || match[1] === undefined) {
    throw new Error(`not a HealthHub entity tag: ${etag}`);
  }
  return Number(match[1]);
}

/** An embed or mode-dependent field that this request asked for: present and not null. */
function asked<T>(value: T | null | undefined, field: string): T {
  if (value === undefined || value === null) {
    throw new Error(`${field} is missing, although the request asked for it`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Checks.

let steps = 0;

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new Error(message);
  }
}

function equal<T>(actual: T, expected: T, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** The body of a successful answer with exactly `status`; anything else fails the step. */
function expectData<D, E>(
  result: { data?: D; error?: E; response: Response },
  status: number,
  what: string,
): D {
  const { data, error, response } = result;
  if (response.status !== status || data === undefined) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status} ${JSON.stringify(error ?? null)}`,
    );
  }
  steps += 1;
  return data;
}

/** The problem body of a failed answer with exactly `status` and `code`. */
function expectProblem<D>(
  result: { data?: D; error?: Problem; response: Response },
  status: number,
  code: string,
  what: string,
): Problem {
  const { error, response } = result;
  if (response.status !== status || error === undefined) {
    throw new Error(`${what}: expected a ${status} problem, got ${response.status}`);
  }
  equal(error.status, status, `${what}: problem status`);
  equal(error.code, code, `${what}: problem code`);
  equal(response.headers.get("Content-Type"), "application/problem+json", `${what}: content type`);
  steps += 1;
  return error;
}

function header(response: Response, name: string, what: string): string {
  const value = response.headers.get(name);
  if (value === null) {
    throw new Error(`${what}: no ${name} header`);
  }
  return value;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The scenario.

const baseUrl = requireEnv("HEALTHHUB_BASE_URL");
const token = requireEnv("HEALTHHUB_TOKEN");
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

/** A word found nowhere else, so that the search has exactly one article to find. */
const WORD = "lactofermentation";

async function scenario(): Promise<void> {
  // The token.
  const me = expectData(await api.GET("/api/v1/auth/whoami"), 200, "whoami");
  equal(me.subject, "ci-clients", "whoami subject");
  check(me.scopes.includes("content:publish"), `whoami scopes: ${me.scopes.join(",")}`);

  // A category.
  const created = await api.POST("/api/v1/categories", {
    body: { name: "Gut Health", description: "Digestion, microbiome, fermented food" },
  });
  const category = expectData(created, 201, "create category");
  equal(category.slug, "gut-health", "category slug");
  equal(category.path, "gut-health", "category path");
  equal(category.parent_id, null, "category parent");
  equal(
    header(created.response, "Location", "create category"),
    `/api/v1/categories/${category.id}`,
    "category Location",
  );

  // A draft article with sections, under an idempotency key; the same request again is replayed.
  const draftRequest = {
    params: { header: { "Idempotency-Key": "clients-proof-draft-1" } },
    body: {
      category_id: category.id,
      title: "Fermented Vegetables and Your Gut",
      subtitle: "What a jar of sauerkraut does for digestion",
      sections: [
        {
          heading: "What fermentation is",
          body: `Bacteria turn sugars into acids: **${WORD}** preserves cabbage for months.`,
        },
        { heading: "What the evidence says", body: "Small trials, promising results, more to come." },
      ],
    },
  };
  const first = await api.POST("/api/v1/articles", draftRequest);
  const draft = expectData(first, 201, "create draft");
  equal(draft.status, "draft", "draft status");
  equal(draft.slug, "fermented-vegetables-and-your-gut", "draft slug");
  equal(draft.category_id, category.id, "draft category_id");
  equal(draft.published_at, null, "draft published_at");
  equal(draft.version, 1, "draft version");
  equal(draft.view_count, 0, "draft view_count");
  check(draft.word_count > 0, "draft word_count");
  check(draft.reading_time_minutes >= 1, "draft reading_time_minutes");
  check(draft.excerpt.startsWith("Bacteria turn sugars into acids"), `derived excerpt: ${draft.excerpt}`);
  const draftSections = asked(draft.sections, "ArticleView.sections (create)");
  equal(
    draftSections.map((s) => [s.position, s.heading]),
    [
      [1, "What fermentation is"],
      [2, "What the evidence says"],
    ],
    "draft sections",
  );
  equal(first.response.headers.get("Idempotent-Replayed"), null, "first create is not a replay");
  equal(versionOf(header(first.response, "ETag", "create draft")), 1, "draft ETag");

  const again = await api.POST("/api/v1/articles", draftRequest);
  const replay = expectData(again, 201, "create draft again, same key");
  equal(replay.id, draft.id, "replayed id");
  equal(header(again.response, "Idempotent-Replayed", "replay"), "true", "Idempotent-Replayed");

  // Publish it.
  const published = expectData(
      await api.POST("/api/v1/articles/{id_or_slug}/publish", {
        params: { path: { id_or_slug: String(draft.id) } },
        body: {},
      }),
      200,
      "publish",
    );
  equal(published.status, "published", "published status");
  check(published.published_at !== null, "published_at is set");
  equal(published.version, 2, "published version");

  // Read it by slug: category, breadcrumbs and ordered sections embedded.
  const read = await api.GET("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: draft.slug } },
  });
  const article = expectData(read, 200, "read by slug");
  equal(article.id, draft.id, "read id");
  equal(article.title, "Fermented Vegetables and Your Gut", "read title");
  equal(asked(article.category, "ArticleView.category").slug, "gut-health", "read category");
  equal(
    asked(article.breadcrumbs, "ArticleView.breadcrumbs").map((c) => c.slug),
    ["gut-health"],
    "read breadcrumbs",
  );
  const sections = asked(article.sections, "ArticleView.sections (read)");
  equal(sections.map((s) => s.id), draftSections.map((s) => s.id), "read section ids");
  const firstHtml = asked(sections[0]?.body_html, "SectionView.body_html (format=both)");
  check(firstHtml.includes(`<strong>${WORD}</strong>`), `rendered body: ${firstHtml}`);
  equal(versionOf(header(read.response, "ETag", "read")), 2, "read ETag names version 2");

  // A second published article in the category, so the cursor list has two pages.
  const second = expectData(
      await api.POST("/api/v1/articles", {
        body: {
          category_id: category.id,
          title: "Kefir, Explained",
          status: "published",
          sections: [{ heading: "A drink of grains", body: "Yeasts and bacteria in milk." }],
        },
      }),
      201,
      "create published",
    );
  equal(second.status, "published", "second status");

  // The category, one article a page, following meta.next_cursor.
  const seen: number[] = [];
  let after: string | undefined = undefined;
  for (let page = 1; ; page += 1) {
    check(page <= 5, "the cursor list does not end");
    const list: Schemas["ArticlePage"] = expectData(
      await api.GET("/api/v1/articles", {
        params: { query: { category: category.slug, limit: 1, after } },
      }),
      200,
      `list page ${page}`,
    );
    check(list.data.length <= 1, `page ${page} has ${list.data.length} items`);
    for (const item of list.data) {
      seen.push(item.id);
      equal(asked(item.category, "ArticleView.category (list)").id, category.id, "listed category");
    }
    const meta = list.meta;
    if (!("next_cursor" in meta)) {
      throw new Error("a cursor-paged list answered page-mode meta");
    }
    equal(meta.limit, 1, "meta.limit");
    const next: string | null = meta.next_cursor;
    if (next === null) {
      break;
    }
    after = next;
  }
  equal(
    [...seen].sort((a, b) => a - b),
    [draft.id, second.id].sort((a, b) => a - b),
    "articles listed by cursor",
  );

  // Search for a word of its first section.
  const found = expectData(
    await api.GET("/api/v1/search", { params: { query: { q: WORD } } }),
    200,
    "search",
  );
  equal(
    found.data.map((hit) => hit.id),
    [draft.id],
    "search hits",
  );
  const hit = found.data[0];
  if (hit === undefined) {
    throw new Error("search: no hit");
  }
  const snippet = asked(hit.snippet, "ArticleView.snippet (search)");
  check(snippet.includes(`<mark>${WORD}</mark>`), `search snippet: ${snippet}`);

  // Count two views (the proof's server counts every call and writes it at once).
  for (const expected of [1, 2]) {
    const viewed = expectData(
      await api.POST("/api/v1/articles/{id_or_slug}/views", {
        params: { path: { id_or_slug: article.slug } },
      }),
      200,
      `view ${expected}`,
    );
    equal(viewed.view_count, expected, "view_count");
  }
  const reread = await api.GET("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: article.slug } },
  });
  const counted = expectData(reread, 200, "read after views");
  equal(counted.view_count, 2, "view_count after views");
  equal(counted.version, 2, "a view keeps the version");
  const etag = header(reread.response, "ETag", "read after views");

  // PATCH with a stale If-Match is refused; with the ETag of the read it applies.
  expectProblem(
    await api.PATCH("/api/v1/articles/{id_or_slug}", {
      params: { path: { id_or_slug: article.slug }, header: { "If-Match": '"1"' } },
      body: { title: "Stale" },
    }),
    412,
    "precondition_failed",
    "PATCH with a stale If-Match",
  );
  const patch = await api.PATCH("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: article.slug }, header: { "If-Match": etag } },
    body: { title: "Fermented Vegetables and Your Gut, Revisited", subtitle: null },
  });
  const patched = expectData(patch, 200, "PATCH with If-Match");
  equal(patched.title, "Fermented Vegetables and Your Gut, Revisited", "patched title");
  equal(patched.subtitle, "", "patched subtitle cleared");
  equal(patched.slug, article.slug, "a new title keeps the slug");
  equal(patched.version, 3, "patched version");
  equal(patched.view_count, 2, "patched view_count");
  const patchedEtag = header(patch.response, "ETag", "PATCH");
  equal(versionOf(patchedEtag), 3, "PATCH ETag");

  // Replace the sections: the second one kept (moved first, edited), a new one, the first gone.
  const [gone, kept] = sections;
  if (gone === undefined || kept === undefined) {
    throw new Error("the article has fewer than two sections");
  }
  const replaced = expectData(
    await api.PUT("/api/v1/articles/{id_or_slug}/sections", {
      params: { path: { id_or_slug: String(article.id) }, header: { "If-Match": patchedEtag } },
      body: {
        sections: [
          { id: kept.id, heading: kept.heading, body: "Several small trials, and a larger one." },
          { heading: "How to start", body: "Salt, cabbage, a clean jar and patience." },
        ],
      },
    }),
    200,
    "replace sections",
  );
  equal(replaced.meta.total, 2, "replaced total");
  equal(
    replaced.data.map((s) => [s.position, s.heading]),
    [
      [1, "What the evidence says"],
      [2, "How to start"],
    ],
    "replaced sections",
  );
  equal(replaced.data[0]?.id, kept.id, "the kept section keeps its id");
  equal(
    asked(replaced.data[0]?.body, "SectionView.body (format=both)"),
    "Several small trials, and a larger one.",
    "the kept section's new body",
  );
  expectProblem(
    await api.GET("/api/v1/sections/{id}", { params: { path: { id: gone.id } } }),
    404,
    "not_found",
    "the unlisted section is deleted",
  );
  const afterReplace = expectData(
      await api.GET("/api/v1/articles/{id_or_slug}", {
        params: { path: { id_or_slug: article.slug } },
      }),
      200,
      "read after replacing sections",
    );
  equal(afterReplace.version, 4, "replacing the sections adds a version");

  // Delete it: then it, its sections and its search hits are gone.
  const deleted = await api.DELETE("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: article.slug }, header: { "If-Match": '"4"' } },
  });
  equal(deleted.response.status, 204, "delete status");
  steps += 1;
  expectProblem(
    await api.GET("/api/v1/articles/{id_or_slug}", {
      params: { path: { id_or_slug: article.slug } },
    }),
    404,
    "not_found",
    "read after delete",
  );
  expectProblem(
    await api.GET("/api/v1/sections/{id}", { params: { path: { id: kept.id } } }),
    404,
    "not_found",
    "its sections after delete",
  );
  const after_delete = expectData(
    await api.GET("/api/v1/search", { params: { query: { q: WORD } } }),
    200,
    "search after delete",
  );
  equal(after_delete.data.length, 0, "search hits after delete");
}

scenario().then(
  () => {
    console.log(`TypeScript client scenario passed: ${steps} checked requests`);
  },
  (error: unknown) => {
    console.error(`FAIL: TypeScript client scenario: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
