-- The rate limits and the one-view-per-window rule of every node, in one place, so a client's
-- quota is the same whichever node it reaches. One row per bucket: `full_at` is when the bucket
-- is full again (GCRA's theoretical arrival time, microseconds since the epoch). UNLOGGED: a
-- crash of the server empties it (every client starts again with a full bucket), and it is not
-- replicated or written to the WAL, which keeps a charge per request cheap.
CREATE UNLOGGED TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    full_at BIGINT NOT NULL
);
