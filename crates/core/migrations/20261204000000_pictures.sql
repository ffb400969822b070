-- The catalog's pictures as last fetched, by their URL (which names the
-- picture's version): the catalog shows them offline too.
CREATE TABLE pictures (
    url TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL
);
