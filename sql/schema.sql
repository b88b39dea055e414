-- listpipe database, schema version 4.
--
--   sqlite3 /var/lib/listpipe/lists.db < schema.sql
--   sqlite3 lists.db "INSERT INTO lists(address) VALUES('team@lists.example.org')"
--   sqlite3 lists.db "INSERT INTO members(list, address)
--                     VALUES('team@lists.example.org','alice@example.net')"
--
-- Addresses compare without regard to case (COLLATE NOCASE).  listpipe
-- refuses (defers mail for) a database whose user_version it does not know.
-- See listpipe(5) for every column and more recipes.  An older database
-- is brought up to date with sql/upgrade-2.sql (from version 1), then
-- sql/upgrade-3.sql (from version 2), then sql/upgrade-4.sql (from 3).

.bail on
PRAGMA journal_mode = WAL;	-- readers (listpipe, Postfix's sqlite: maps) never wait for a writer

BEGIN;

CREATE TABLE lists (
	-- The posting address; -bounces and -owner addresses derive from it.
	-- One '@'; no '+' before it (that is the extension delimiter), no
	-- leading '.', nothing that cannot be a directory name.
	-- At most 56 characters before the '@' and 246 in all, so that
	-- -bounces@ and -request@ addresses stay within RFC 5321's 64 and 254.
	address		TEXT PRIMARY KEY COLLATE NOCASE
			CHECK (address GLOB '?*@?*'
			       AND length(address) <= 246
			       AND instr(address, '@') <= 57
			       AND address NOT GLOB '*@*@*'
			       AND address NOT GLOB '*+*@*'
			       AND address NOT GLOB '.*'
			       AND address NOT GLOB '*[ /\<>"(),;:]*'
			       AND address NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*')),
	-- List-Id label: <name.domain>; NULL uses the local part.
	name		TEXT DEFAULT NULL
			CHECK (name IS NULL OR (name <> '' AND length(name) <= 64
			       AND name NOT GLOB '*[^A-Za-z0-9._-]*')),
	-- Shown in List-Id: "description" <team.lists.example.org>.
	description	TEXT DEFAULT NULL
			CHECK (description IS NULL OR length(description) <= 200 AND description NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*')),
	-- Subject tag such as '[team]'; NULL leaves subjects alone.
	subject_prefix	TEXT DEFAULT NULL
			CHECK (subject_prefix IS NULL OR (subject_prefix <> '' AND length(subject_prefix) <= 64
			       AND subject_prefix NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*'))),
	-- Where replies go: 'poster' keeps the message's own Reply-To,
	-- 'list' sets it to the list, or an address sets it to that address.
	reply_to	TEXT NOT NULL DEFAULT 'poster'
			CHECK (reply_to IN ('poster', 'list')
			       OR (reply_to GLOB '?*@?*' AND reply_to NOT GLOB '*[ <>"(),;:]*'
			           AND reply_to NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*'))),
	-- 0: posts are refused (5.2.1) and the address is unknown at RCPT time;
	-- bounce and owner mail is still taken.
	enabled		INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	-- RFC 2369 URLs; NULL gives the mailto: defaults (see listpipe(5)).
	-- At most 900 characters, so that a List-* line stays within 998.
	help_url	TEXT DEFAULT NULL CHECK (help_url IS NULL OR length(help_url) <= 900 AND help_url NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ' <>]*')),
	subscribe_url	TEXT DEFAULT NULL CHECK (subscribe_url IS NULL OR length(subscribe_url) <= 900 AND subscribe_url NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ' <>]*')),
	unsubscribe_url	TEXT DEFAULT NULL CHECK (unsubscribe_url IS NULL OR length(unsubscribe_url) <= 900 AND unsubscribe_url NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ' <>]*')),
	owner_url	TEXT DEFAULT NULL CHECK (owner_url IS NULL OR length(owner_url) <= 900 AND owner_url NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ' <>]*')),
	archive_url	TEXT DEFAULT NULL CHECK (archive_url IS NULL OR length(archive_url) <= 900 AND archive_url NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ' <>]*')),
	created		TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	-- Derived, for lookups; never set these.
	local		TEXT GENERATED ALWAYS AS (substr(address, 1, instr(address, '@') - 1)) VIRTUAL,
	domain		TEXT GENERATED ALWAYS AS (lower(substr(address, instr(address, '@') + 1))) VIRTUAL,
	-- Who may post (the sender is the From: address, see listpipe(5)):
	-- open: anyone; members: members (of nested lists too), posters,
	-- moderators and owners; moderated: moderators, owners and posters,
	-- everyone else is held; announce: owners, moderators and posters.
	policy		TEXT NOT NULL DEFAULT 'open'
			CHECK (policy IN ('open', 'members', 'moderated', 'announce')),
	-- What happens to a post the policy does not accept (moderated lists
	-- always hold): reject (5.7.1), discard, or hold for a moderator.
	refused		TEXT NOT NULL DEFAULT 'reject'
			CHECK (refused IN ('reject', 'discard', 'hold')),
	-- Largest post in bytes, NULL for no limit; bigger ones are rejected
	-- (5.3.4) or held, as oversize says.
	max_size	INTEGER DEFAULT NULL CHECK (max_size IS NULL OR max_size > 0),
	oversize	TEXT NOT NULL DEFAULT 'reject'
			CHECK (oversize IN ('reject', 'hold')),
	-- Joining by mail to list-request@: closed (ask the owner), confirm
	-- (the address confirms), moderate (the address confirms, then a
	-- moderator decides).  Leaving is always possible.
	subscription	TEXT NOT NULL DEFAULT 'closed'
			CHECK (subscription IN ('closed', 'confirm', 'moderate')),
	-- Days a held post or a subscription request waits for a moderator.
	hold_days	INTEGER NOT NULL DEFAULT 14 CHECK (hold_days BETWEEN 1 AND 365),
	-- Bounce processing: a member's score counts the days (at most one
	-- a day, UTC) with a hard bounce, and starts again after bounce_days
	-- without one; at bounce_limit the member is disabled (0: never).
	bounce_limit	INTEGER NOT NULL DEFAULT 5 CHECK (bounce_limit >= 0),
	bounce_days	INTEGER NOT NULL DEFAULT 7 CHECK (bounce_days BETWEEN 1 AND 365),
	-- Who gets `listctl report`: owners, postmaster (postmaster@ the
	-- list's domain), none, or an address.
	report_to	TEXT NOT NULL DEFAULT 'owners'
			CHECK (report_to IN ('owners', 'postmaster', 'none')
			       OR (report_to GLOB '?*@?*' AND report_to NOT GLOB '*@*@*'
			           AND report_to NOT GLOB '*[ <>"(),;:]*'
			           AND report_to NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*'))),
	-- When listctl report last mailed this list's report; never set it.
	reported	TEXT DEFAULT NULL,
	-- Hours during which a post whose Message-ID the list has already
	-- distributed is accepted and not sent again; 0: never suppressed.
	dedupe_hours	INTEGER NOT NULL DEFAULT 24 CHECK (dedupe_hours BETWEEN 0 AND 8760),
	-- The author's DKIM signature (listpipe(5) DKIM AND DMARC): respect
	-- leaves every header a signature covers as it is (the subject tag,
	-- Reply-To, Sender, X-Loop and List-* fields are then skipped one by
	-- one), so that the signature still verifies at the members'
	-- servers; ignore makes every change whatever it breaks.
	dkim		TEXT NOT NULL DEFAULT 'respect'
			CHECK (dkim IN ('respect', 'ignore')),
	-- From: "Name via list" <list address>, the author moved to Reply-To
	-- (Cc when Reply-To is the list's): never; dmarc, when the author's
	-- domain publishes p=quarantine or p=reject (or its DMARC record
	-- cannot be read); always.
	from_rewrite	TEXT NOT NULL DEFAULT 'never'
			CHECK (from_rewrite IN ('never', 'dmarc', 'always')),
	-- With reply_to 'list' or an address: 1 replaces the message's own
	-- Reply-To, 0 keeps its addresses and adds the list's.
	reply_to_strip	INTEGER NOT NULL DEFAULT 1 CHECK (reply_to_strip IN (0, 1)),
	-- Header fields removed from list copies (unless a signature covers
	-- them), names separated by spaces; 'X-Spam-*' removes every name
	-- that starts so.  '' removes nothing.
	strip_headers	TEXT NOT NULL DEFAULT 'Return-Receipt-To Disposition-Notification-To X-Confirm-Reading-To'
			CHECK (length(strip_headers) <= 1000 AND strip_headers NOT GLOB '*[^A-Za-z0-9 *-]*'),
	-- 1: each post, as the members receive it, is also stored in the
	-- Maildir SPOOL/archive/LIST before it counts as delivered (what
	-- public-inbox-watch reads).
	archive		INTEGER NOT NULL DEFAULT 0 CHECK (archive IN (0, 1)),
	-- VERP (listpipe(5) BOUNCES): 1 sends every post with each member's
	-- own envelope sender (LIST-bounces+member=host@), so a bounce names
	-- its member for sure, at one SMTP transaction a member; N > 1 does
	-- so for one post in N (picked by Message-ID), the others leave with
	-- LIST-bounces@ and one transaction for many members, their bounces
	-- attributed by the report's recipient; 0 never.
	verp		INTEGER NOT NULL DEFAULT 1 CHECK (verp >= 0)
);

-- A domain is served when at least one list lives in it.
CREATE INDEX lists_domain ON lists(domain);

CREATE TABLE members (
	list		TEXT NOT NULL COLLATE NOCASE,
	-- A person, or another list's address (its members are expanded in).
	-- RFC 5321 lengths: 64 before the '@', 254 in all.
	address		TEXT NOT NULL COLLATE NOCASE
			CHECK (address GLOB '?*@?*'
			       AND length(address) <= 254
			       AND instr(address, '@') <= 65
			       AND address NOT GLOB '*@*@*'
			       AND address NOT GLOB '*[ <>"(),;:]*'
			       AND address NOT GLOB ('*[' || char(1) || '-' || char(31, 127) || ']*')),
	-- enabled: gets mail; nomail: chose not to; disabled: stopped by the
	-- operator or by bounce processing.
	state		TEXT NOT NULL DEFAULT 'enabled'
			CHECK (state IN ('enabled', 'nomail', 'disabled')),
	-- member: gets the list's posts; owner: gets mail to list-owner@ and
	-- moderates when the list has no moderator; moderator: decides on
	-- held posts; poster: may post, receives nothing.  Someone with two
	-- roles has two rows.
	role		TEXT NOT NULL DEFAULT 'member'
			CHECK (role IN ('member', 'owner', 'moderator', 'poster')),
	added		TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	-- Bounce processing (role member): the score, the last day that
	-- counted, and why the state is disabled.  Setting state back to
	-- 'enabled' clears all three (trigger members_state).
	score		INTEGER NOT NULL DEFAULT 0,
	bounced		TEXT DEFAULT NULL,
	reason		TEXT DEFAULT NULL,
	-- When state last changed (NULL: never since the row was added).
	since		TEXT DEFAULT NULL,
	PRIMARY KEY (list, address, role)
) WITHOUT ROWID;

CREATE INDEX members_address ON members(address);

-- Posts waiting for a moderator.  The post itself, exactly as received,
-- is the file spooldir/held/LIST/new/FILE.  Rows stay after a decision,
-- as the record of who decided what; listctl expire ends old holds.
CREATE TABLE held (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,	-- never reused
	list		TEXT NOT NULL COLLATE NOCASE,
	sender		TEXT NOT NULL,		-- envelope sender; '' for <>
	author		TEXT NOT NULL DEFAULT '',	-- the From: address
	subject		TEXT NOT NULL DEFAULT '',
	size		INTEGER NOT NULL,
	reason		TEXT NOT NULL,
	received	TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	expires		TEXT NOT NULL,
	file		TEXT NOT NULL,
	state		TEXT NOT NULL DEFAULT 'held'
			CHECK (state IN ('held', 'releasing', 'released', 'rejected',
					 'discarded', 'withdrawn', 'expired')),
	acted		TEXT DEFAULT NULL,	-- when it left 'held'
	actor		TEXT DEFAULT NULL	-- who decided: an address, listctl, expire
);

CREATE INDEX held_list ON held(list, state);

-- Subscriptions confirmed by the address, waiting for a moderator
-- (lists with subscription = 'moderate').
CREATE TABLE requests (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	list		TEXT NOT NULL COLLATE NOCASE,
	address		TEXT NOT NULL COLLATE NOCASE,
	received	TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	expires		TEXT NOT NULL,
	state		TEXT NOT NULL DEFAULT 'pending'
			CHECK (state IN ('pending', 'approved', 'rejected',
					 'discarded', 'expired')),
	acted		TEXT DEFAULT NULL,
	actor		TEXT DEFAULT NULL
);

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
	-- The claim's: the archive's file name once the post is archived.
	archived	TEXT DEFAULT NULL,
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

-- Tokens already used (they are single use) until they expire.
CREATE TABLE tokens (
	mac		TEXT PRIMARY KEY,
	used		TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
	expires		TEXT NOT NULL
) WITHOUT ROWID;

-- Mail listpipe wrote itself (replies, notices): for the rate limits.
CREATE TABLE sent (
	address		TEXT NOT NULL COLLATE NOCASE,
	list		TEXT NOT NULL COLLATE NOCASE,
	kind		TEXT NOT NULL,		-- the text's name: help, moderate_post, ...
	at		TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX sent_address ON sent(address, at);
CREATE INDEX sent_list ON sent(list, at);

-- The texts listpipe sends, where an operator wants other words than
-- the built-in ones (listctl texts shows those): list '*' for every list.
CREATE TABLE texts (
	list		TEXT NOT NULL DEFAULT '*' COLLATE NOCASE,
	name		TEXT NOT NULL,
	subject		TEXT DEFAULT NULL,	-- NULL keeps the built-in one
	body		TEXT DEFAULT NULL,
	PRIMARY KEY (list, name)
) WITHOUT ROWID;

-- Per-database settings.  'secret' keys the HMAC of every token; it is
-- made here, once, and never printed.
CREATE TABLE settings (
	name		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO settings(name, value) VALUES ('secret', lower(hex(randomblob(32))));

-- Foreign keys are off by default in the sqlite3 shell; triggers are not.
CREATE TRIGGER members_need_list BEFORE INSERT ON members
WHEN NOT EXISTS (SELECT 1 FROM lists WHERE address = NEW.list)
BEGIN
	SELECT RAISE(ABORT, 'no such list: add it to lists first');
END;

CREATE TRIGGER members_move_list BEFORE UPDATE OF list ON members
WHEN NOT EXISTS (SELECT 1 FROM lists WHERE address = NEW.list)
BEGIN
	SELECT RAISE(ABORT, 'no such list: add it to lists first');
END;

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

CREATE TRIGGER lists_delete AFTER DELETE ON lists
BEGIN
	DELETE FROM members WHERE list = OLD.address OR address = OLD.address;
END;

-- Every address listpipe takes mail for, and what it is.  Postfix's
-- sqlite: lookup (postfix/listpipe-recipients.cf) and listpipe read this
-- same view, so RCPT-time checks and delivery can never disagree.
CREATE VIEW addresses(address, list, kind) AS
	SELECT address, address, 'post' FROM lists WHERE enabled
	UNION ALL
	SELECT (local || '-bounces@' || domain) COLLATE NOCASE, address, 'bounces' FROM lists
	UNION ALL
	SELECT (local || '-owner@' || domain) COLLATE NOCASE, address, 'owner' FROM lists
	UNION ALL
	SELECT (local || '-request@' || domain) COLLATE NOCASE, address, 'request' FROM lists;

-- Who receives a post to each list, nested lists expanded, duplicates
-- and cycles removed:  SELECT address FROM recipients WHERE list = '...'
CREATE VIEW recipients(list, address) AS
	WITH RECURSIVE expand(list, address) AS (
		SELECT address, address COLLATE NOCASE FROM lists WHERE enabled
		UNION
		SELECT e.list, m.address
		FROM expand e
		JOIN members m ON m.list = e.address
		JOIN lists l ON l.address = m.list
		WHERE m.role = 'member' AND m.state = 'enabled' AND l.enabled
	)
	SELECT list, lower(address) FROM expand
	WHERE address NOT IN (SELECT address FROM lists);

-- One line a list: the numbers an operator asks for first.
CREATE VIEW list_summary(list, enabled, members, nomail, disabled, owners, recipients) AS
	SELECT l.address, l.enabled,
	       (SELECT count(*) FROM members m WHERE m.list = l.address AND m.role = 'member' AND m.state = 'enabled'),
	       (SELECT count(*) FROM members m WHERE m.list = l.address AND m.role = 'member' AND m.state = 'nomail'),
	       (SELECT count(*) FROM members m WHERE m.list = l.address AND m.role = 'member' AND m.state = 'disabled'),
	       (SELECT count(*) FROM members m WHERE m.list = l.address AND m.role = 'owner' AND m.state = 'enabled'),
	       (SELECT count(*) FROM recipients r WHERE r.list = l.address)
	FROM lists l;

-- Who decides on held posts: the moderators, or the owners of a list
-- that has none.
CREATE VIEW moderators(list, address) AS
	SELECT list, address FROM members
	WHERE role = 'moderator' AND state = 'enabled'
	UNION ALL
	SELECT m.list, m.address FROM members m
	WHERE m.role = 'owner' AND m.state = 'enabled'
	  AND NOT EXISTS (SELECT 1 FROM members x WHERE x.list = m.list
			  AND x.role = 'moderator' AND x.state = 'enabled');

-- What waits for a moderator: held posts and subscription requests.
CREATE VIEW waiting(list, kind, id, sender, subject, received, expires) AS
	SELECT list, 'post', id, sender, subject, received, expires FROM held
	WHERE state = 'held'
	UNION ALL
	SELECT list, 'subscribe', id, address, '', received, expires FROM requests
	WHERE state = 'pending';

-- Which lists one person is on:  SELECT * FROM memberships WHERE address = '...'
CREATE VIEW memberships(address, list, role, state) AS
	SELECT address, list, role, state FROM members;

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

PRAGMA user_version = 4;
