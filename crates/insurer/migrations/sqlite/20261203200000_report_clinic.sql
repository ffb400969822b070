-- Where a secondary exam (二次検査) was taken, as the member reported it.
ALTER TABLE reports ADD COLUMN clinic TEXT;
