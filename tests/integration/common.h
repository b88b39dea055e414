/*
 * common.h - the fixture every integration test starts from: a served
 * domain lists.example.org with list team@ (alice, bob; owner olga),
 * and the message a member posts.
 */
#ifndef LISTPIPE_INTEGRATION_COMMON_H
#define LISTPIPE_INTEGRATION_COMMON_H

#include <string.h>

#include "testlib.h"

#define TEAM_SQL \
	"INSERT INTO lists(address, description, subject_prefix) " \
	"  VALUES('team@lists.example.org', 'Team talk', '[team]');" \
	"INSERT INTO members(list, address) VALUES" \
	"  ('team@lists.example.org', 'alice@example.net')," \
	"  ('team@lists.example.org', 'bob@example.net');" \
	"INSERT INTO members(list, address, role) VALUES" \
	"  ('team@lists.example.org', 'olga@example.net', 'owner');"

#define POST \
	"Return-Path: <carol@example.com>\n" \
	"Received: from mx.example.com (mx.example.com [192.0.2.1])\n" \
	"\tby lists.example.org (Postfix) with ESMTP id 4ABC123\n" \
	"From: Carol <carol@example.com>\n" \
	"To: team@lists.example.org\n" \
	"Subject: Lunch on Friday?\n" \
	"Message-ID: <lunch-1@example.com>\n" \
	"\n" \
	"Shall we?\n" \
	".\n" \
	"A lone dot above must survive, and so must this trailing blank: \n"

/* A fixture: directory, database with TEAM_SQL plus extra, handed over. */
static inline void fixture(struct tdir *t, const char *extra_sql)
{
	tdir_make(t);
	tdir_db(t, TEAM_SQL);
	if (extra_sql)
		tdir_sql(t, extra_sql);
	tdir_hand_over(t);
}

/* deliver - run listpipe the way master.cf does, with the fake sendmail */
static inline void deliver(struct run *r, struct tdir *t, const char *msg,
			   const char *sender, const char *rcpt)
{
	const char *argv[] = {"-d", t->db, "-s", t->sendmail, "-m", t->spool,
			      "-q", "4ABC123", "-f", sender, "--", rcpt, NULL};

	run_listpipe(r, msg, strlen(msg), NULL, argv);
}

#endif
