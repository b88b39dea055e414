-- Upgrade a listpipe database from schema version 2 to 3:
--
--   sqlite3 lists.db ".backup lists.db.bak"
--   sqlite3 lists.db < upgrade-3.sql
--
-- Version 3 adds bounce processing: the bounces table, members' scores,
-- per-list limits (5 days of hard bounces within 7 days disable a
-- member) and listctl report; and the delivery journal and duplicate
-- suppression (the journal and seen tables, lists.dedupe_hours).
-- No member changes state: every score
-- starts at 0.  A version 1 database takes upgrade-2.sql first.
-- Everything happens in one transaction: on any error the database is
-- left as it was.

.bail on

BEGIN;

-- Only a version 2 database.
CREATE TEMP TABLE upgrade_check (v INTEGER
	CONSTRAINT "this script upgrades a schema version 2 database (version 1: run upgrade-2.sql first)" CHECK (v = 2));
INSERT INTO upgrade_check SELECT user_version FROM pragma_user_version;
DROP TABLE upgrade_check;

-- The rename trigger gains a line: made again below.
DROP TRIGGER lists_rename;

-- New columns, with the comments of schema.sql.
ALTER TABLE lists ADD COLUMN bounce_limit INTEGER NOT NULL DEFAULT 5
	CHECK (bounce_limit >= 0);
ALTER TABLE lists ADD COLUMN bounce_days INTEGER NOT NULL DEFAULT 7
	CHECK (bounce_days BETWEEN 1 AND 365);
ALTER TABLE lists ADD COLUMN report_to TEXT NOT NULL DEFAULT 'owners'
	CHECK (report_to IN ('owners', 'postmaster', 'none')
	       OR (report_to GLOB '?*@?*' AND report_to NOT GLOB '*@*@*'
	           AND report_to NOT GLOB '*[ <>"(),;:]*'
	           AND report_to NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*')));
ALTER TABLE lists ADD COLUMN reported TEXT DEFAULT NULL;
ALTER TABLE lists ADD COLUMN dedupe_hours INTEGER NOT NULL DEFAULT 24
	CHECK (dedupe_hours BETWEEN 0 AND 8760);
ALTER TABLE members ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN bounced TEXT DEFAULT NULL;
ALTER TABLE members ADD COLUMN reason TEXT DEFAULT NULL;
ALTER TABLE members ADD COLUMN since TEXT DEFAULT NULL;

-- Every report found in mail to a bounce address, one row a recipient
-- it names (one row with kind 'unknown' when it names none).  The mail
-- itself is the file spooldir/FILE (bounces/LIST/new/...), exactly as
-- received.  member is who it was attributed to (the VERP address, or a
-- report's recipient that is unambiguously one member), NULL when nobody.
-- kind: hard (the address failed for good: the only kind that counts),
-- soft (a temporary failure), policy (refused for the sender's domain or
-- the content: DMARC, spam, 5.7.x), delay (a warning, still trying),
-- autoreply, feedback (an ARF abuse report), unknown.
CREATE TABLE bounces (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	list		TEXT NOT NULL COLLATE NOCASE,
	member		TEXT DEFAULT NULL COLLATE NOCASE,
	recipient	TEXT NOT NULL DEFAULT '' COLLATE NOCASE,	-- as the report names it
	received	TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	kind		TEXT NOT NULL DEFAULT 'unknown'
			CHECK (kind IN ('hard', 'soft', 'policy', 'delay',
					'autoreply', 'feedback', 'unknown')),
	action		TEXT NOT NULL DEFAULT '',	-- failed, delayed, ...
	status		TEXT NOT NULL DEFAULT '',	-- 5.1.1
	diagnostic	TEXT NOT NULL DEFAULT '',
	mta		TEXT NOT NULL DEFAULT '',	-- the reporting or remote MTA
	file		TEXT NOT NULL,
	scored		INTEGER NOT NULL DEFAULT 0 CHECK (scored IN (0, 1))	-- raised the score
);

CREATE INDEX bounces_list ON bounces(list, received);
CREATE INDEX bounces_member ON bounces(member, list);

-- The delivery journal: what sendmail accepted, by Postfix queue id
-- and list, so that a retry after a deferral sends only what was not
-- accepted yet and one queue file makes at most one distribution per
-- list (team+1@ and team+2@ in one transaction are one post).  Batch 0
-- is the claim, naming the envelope recipient that distributes; batch
-- N > 0 is the Nth sendmail run accepted, with its last recipient (runs
-- go in address order).  A released held post uses "held-ID" as queue
-- id.  listctl expire forgets rows after 10 days.
CREATE TABLE journal (
	queue_id	TEXT NOT NULL,
	list		TEXT NOT NULL COLLATE NOCASE,
	batch		INTEGER NOT NULL CHECK (batch >= 0),
	recipient	TEXT NOT NULL,
	count		INTEGER NOT NULL DEFAULT 0,
	at		TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	-- The claim's: the listpipe process sending it, 0 once it ended.
	pid		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (queue_id, list, batch)
) WITHOUT ROWID;

-- Message-IDs each list has distributed, for duplicate suppression
-- (lists.dedupe_hours); listctl expire forgets them after that.
CREATE TABLE seen (
	list		TEXT NOT NULL COLLATE NOCASE,
	message_id	TEXT NOT NULL,
	queue_id	TEXT NOT NULL DEFAULT '',
	at		TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (list, message_id)
) WITHOUT ROWID;

-- A list's members follow it, and so does its place in other lists.
CREATE TRIGGER lists_rename AFTER UPDATE OF address ON lists
BEGIN
	UPDATE members SET list = NEW.address WHERE list = OLD.address;
	UPDATE members SET address = NEW.address WHERE address = OLD.address;
	-- A held post's file stays where it is: its row remembers the
	-- directory ("old@list/FILE") until a decision removes it.
	UPDATE held SET file = OLD.address || '/' || file
	WHERE list = OLD.address AND instr(file, '/') = 0;
	UPDATE held SET list = NEW.address WHERE list = OLD.address;
	UPDATE requests SET list = NEW.address WHERE list = OLD.address;
	UPDATE texts SET list = NEW.address WHERE list = OLD.address;
	UPDATE bounces SET list = NEW.address WHERE list = OLD.address;
	UPDATE journal SET list = NEW.address WHERE list = OLD.address;
	UPDATE seen SET list = NEW.address WHERE list = OLD.address;
END;

-- Enabling a member again (by hand or listctl enable) forgives its
-- bounces; any change of state is dated.
CREATE TRIGGER members_state AFTER UPDATE OF state ON members
WHEN NEW.state IS NOT OLD.state
BEGIN
	UPDATE members SET since = CURRENT_TIMESTAMP,
		score = CASE WHEN NEW.state = 'enabled' THEN 0 ELSE score END,
		bounced = CASE WHEN NEW.state = 'enabled' THEN NULL ELSE bounced END,
		reason = CASE WHEN NEW.state = 'enabled' THEN NULL ELSE reason END
	WHERE list = NEW.list AND address = NEW.address AND role = NEW.role;
END;

-- Members with bounces against them, worst first:
--   SELECT * FROM bouncing WHERE list = '...'
CREATE VIEW bouncing(list, address, state, score, bounced, reason) AS
	SELECT list, address, state, score, bounced, reason FROM members
	WHERE role = 'member' AND (score > 0 OR reason IS NOT NULL)
	ORDER BY score DESC, bounced DESC;

-- Bounces nobody could be blamed for: read the file to see who it was.
CREATE VIEW unattributed(list, id, received, kind, recipient, file) AS
	SELECT list, id, received, kind, recipient, file FROM bounces
	WHERE member IS NULL;

COMMIT;

PRAGMA user_version = 3;
