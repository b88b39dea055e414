#!/usr/bin/env bash
# make demo: listpipe inside a real, private Postfix instance, end to end.
# Creates a list with three members, posts a message through SMTP, shows
# what one member received and what the maillog says, then stops the
# instance.  The machine's own mail set-up is left alone (the only change
# is one alternate_config_directories entry in /etc/postfix/main.cf, which
# Postfix requires before an unprivileged sendmail may reinject into a
# private instance).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root, to install Postfix (make e2e-deps) and to start"
	echo "a private Postfix instance under /tmp/listpipe-demo.  Without root, see"
	echo "what members would get with the dry run:"
	echo "  sqlite3 /tmp/demo.db < sql/schema.sql"
	echo "  sqlite3 /tmp/demo.db \"INSERT INTO lists(address) VALUES('team@lists.test')\""
	echo "  sqlite3 /tmp/demo.db \"INSERT INTO members(list, address) VALUES('team@lists.test', 'alice@members.test')\""
	echo "  ./listpipe -n -d /tmp/demo.db -f you@example.com -- team@lists.test < message.eml"
	exit 1
fi
. "$TOP/tests/e2e/instance.sh"

PF=/tmp/listpipe-demo
PF_PORT=$(pf_free_port)
trap 'pf_stop > /dev/null 2>&1' EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }

step "a private Postfix under $PF, SMTP on 127.0.0.1:$PF_PORT, wired as postfix/ says"
pf_create "$PF" "$PF_PORT"
pf_db "INSERT INTO lists(address, description, subject_prefix)
       VALUES ('team@lists.test', 'Team talk', '[team]');
       INSERT INTO members(list, address) VALUES
       ('team@lists.test', 'alice@members.test'),
       ('team@lists.test', 'bob@members.test'),
       ('team@lists.test', 'carol@members.test');
       INSERT INTO members(list, address, role) VALUES
       ('team@lists.test', 'olga@members.test', 'owner');"
pf_members alice@members.test bob@members.test carol@members.test olga@members.test
pf_start > "$PF/start.out" 2>&1 || { cat "$PF/start.out"; exit 1; }
grep -A2 '^listpipe' "$PF/etc/master.cf"

step "the list, as listctl lists shows it"
"$TOP/listctl" -d "$PF/lib/lists.db" lists

step "listctl check looks the set-up over (database, spool, access, Postfix routing)"
"$TOP/listctl" -c "$PF/etc" -d "$PF/lib/lists.db" -m "$PF/lib" check || true

step "carol posts through SMTP"
cat > "$PF/post.eml" <<'MSG'
From: Carol <carol@members.test>
To: team@lists.test
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from the demo
Message-ID: <demo-1@members.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello team: this body reaches every member byte for byte.
MSG
"$TOP/tests/e2e/smtp-send" 127.0.0.1 "$PF_PORT" carol@members.test "$PF/post.eml" team@lists.test
for _ in $(seq 100); do
	[ "$(ls "$PF"/mail/members.test/carol/new 2>/dev/null | wc -l)" -ge 1 ] && break
	sleep 0.1
done
pf_wait_idle 10 || true

step "and a typo in the list address is refused at RCPT time"
swaks --silent 1 --server "127.0.0.1:$PF_PORT" --from carol@members.test \
	--to taem@lists.test 2>&1 | grep -E '^<\*\*' || true

step "what alice received ($(ls "$PF"/mail/members.test/alice/new/* | head -n 1))"
cat "$PF"/mail/members.test/alice/new/*

step "the maillog"
grep -E 'listpipe|virtual|NOQUEUE' "$PF/maillog" | sed -E 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} //'

step "listpipe's own log (-l; without it, syslog facility mail), keyed by queue id"
cat "$PF/lib/listpipe.log"

step "Maildirs: $(for m in alice bob carol; do printf '%s=%s ' $m "$(ls "$PF/mail/members.test/$m/new" | wc -l)"; done)"
echo "stopping the private instance; the files stay in $PF to look at"
