-- A picture for each catalog item, set by `catalog import`. The digest
-- names the picture in its URL, so a changed picture is a new address and
-- the old one may be cached for ever.
ALTER TABLE catalog ADD COLUMN image BLOB;
ALTER TABLE catalog ADD COLUMN image_type TEXT;
ALTER TABLE catalog ADD COLUMN image_digest TEXT;
