-- Upgrade a listpipe database from schema version 3 to 4:
--
--   sqlite3 lists.db ".backup lists.db.bak"
--   sqlite3 lists.db < upgrade-4.sql
--
-- Version 4 adds DKIM and DMARC settings, Reply-To and header hygiene and
-- the archive (listpipe(5) DKIM AND DMARC, ARCHIVE), and VERP for one
-- post in N (lists.verp; 1, every post, as before).  Existing lists
-- change in two ways, both by the defaults: list copies no longer change
-- any header field an author's DKIM signature covers (dkim 'respect';
-- set it to 'ignore' for the old behaviour), and Return-Receipt-To,
-- Disposition-Notification-To and X-Confirm-Reading-To are removed
-- (strip_headers; set it to '' to keep them).  Versions 1 and 2 take
-- upgrade-2.sql and upgrade-3.sql first.  Everything happens in one
-- transaction: on any error the database is left as it was.

.bail on

BEGIN;

-- Only a version 3 database.
CREATE TEMP TABLE upgrade_check (v INTEGER
	CONSTRAINT "this script upgrades a schema version 3 database (versions 1 and 2: run upgrade-2.sql and upgrade-3.sql first)" CHECK (v = 3));
INSERT INTO upgrade_check SELECT user_version FROM pragma_user_version;
DROP TABLE upgrade_check;

-- New columns, with the comments of schema.sql.
ALTER TABLE lists ADD COLUMN dkim TEXT NOT NULL DEFAULT 'respect'
	CHECK (dkim IN ('respect', 'ignore'));
ALTER TABLE lists ADD COLUMN from_rewrite TEXT NOT NULL DEFAULT 'never'
	CHECK (from_rewrite IN ('never', 'dmarc', 'always'));
ALTER TABLE lists ADD COLUMN reply_to_strip INTEGER NOT NULL DEFAULT 1
	CHECK (reply_to_strip IN (0, 1));
ALTER TABLE lists ADD COLUMN strip_headers TEXT NOT NULL
	DEFAULT 'Return-Receipt-To Disposition-Notification-To X-Confirm-Reading-To'
	CHECK (length(strip_headers) <= 1000 AND strip_headers NOT GLOB '*[^A-Za-z0-9 *-]*');
ALTER TABLE lists ADD COLUMN archive INTEGER NOT NULL DEFAULT 0
	CHECK (archive IN (0, 1));
ALTER TABLE lists ADD COLUMN verp INTEGER NOT NULL DEFAULT 1
	CHECK (verp >= 0);
ALTER TABLE journal ADD COLUMN archived TEXT DEFAULT NULL;

COMMIT;

PRAGMA user_version = 4;
