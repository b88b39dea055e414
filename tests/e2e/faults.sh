# tests/e2e/faults.sh - fault injection through the private Postfix
# (sourced by tests/e2e/run after its helpers).  Each scenario breaks one
# thing listpipe depends on while a post is delivered, asserts that
# Postfix deferred it (never bounced), repairs it, and asserts that every
# member holds exactly one copy and the queue is empty.
#
# The instance is the same as for every other scenario; fault_setup adds,
# before Postfix starts:
#   - lists of their own for each scenario (so E2E_ONLY can run one);
#   - lpfault, a second pipe(8) service: the same listpipe, but its -m,
#     -s and -t come from $PF/lpfault.opts, read on every run, so that a
#     scenario changes them without a reload.  The transport table sends
#     spool@ and slow@ there;
#   - a copy of the harness's sendmail wrapper, so that a scenario can
#     swap $PF/bin/sendmail for a faulty one and put the real one back.

BIG=520		# members of the multi-batch lists: more than INJECT_BATCH (500)

# big_members PREFIX - PREFIX001@members.test ... PREFIX520@members.test
big_members() { local i; for i in $(seq -f '%03g' 1 "$BIG"); do echo "$1$i@members.test"; done; }

fault_setup() {
	local l p
	{
		echo "BEGIN;"
		for l in kill:k cut:c restart:h; do
			p=${l#*:} l=${l%:*}
			echo "INSERT INTO lists(address) VALUES ('$l@lists.test');"
			big_members "$p" | sed "s/.*/INSERT INTO members(list, address) VALUES ('$l@lists.test', '&');/"
		done
		for l in spool:y moved:r moved2:v wlock:w nosm:x slow:t; do
			p=${l#*:} l=${l%:*}
			echo "INSERT INTO lists(address) VALUES ('$l@lists.test');"
			echo "INSERT INTO members(list, address) VALUES ('$l@lists.test', '${p}1@members.test'),"
			echo "       ('$l@lists.test', '${p}2@members.test'), ('$l@lists.test', '${p}3@members.test');"
		done
		# v3 joins moved2@ in its scenario, just before the move.
		echo "DELETE FROM members WHERE list = 'moved2@lists.test' AND address = 'v3@members.test';"
		echo "COMMIT;"
	} | pf_db || return 1
	# shellcheck disable=SC2046
	pf_members $(big_members k) $(big_members c) $(big_members h) \
		y1@members.test y2@members.test y3@members.test r1@members.test r2@members.test r3@members.test \
		v1@members.test v2@members.test v3@members.test \
		w1@members.test w2@members.test w3@members.test x1@members.test x2@members.test x3@members.test \
		t1@members.test t2@members.test t3@members.test

	# Scratch space for the wrappers (they run as nobody).
	install -d -o nobody -m 755 "$PF/sm"
	cp -p "$PF/bin/sendmail" "$PF/bin/sendmail.real"

	# lpfault: listpipe with -m/-s/-t from a file.
	cat > "$PF/bin/lpfault" <<SH
#!/bin/sh
[ -s $PF/lpfault.fsize ] && ulimit -f \$(cat $PF/lpfault.fsize)
exec $PF/bin/listpipe \$(cat $PF/lpfault.opts) "\$@"
SH
	chmod 755 "$PF/bin/lpfault"
	lpfault_opts ""
	postconf -c "$PF/etc" -M "lpfault/unix=lpfault unix - n n - - pipe flags=Rq user=nobody null_sender= argv=$PF/bin/lpfault -d $PF/lib/lists.db -l $PF/lib/listpipe.log -q \${queue_id} -f \${sender} -- \${recipient}"
	postconf -c "$PF/etc" -e "lpfault_destination_recipient_limit = 1"
	printf 'spool@lists.test\tlpfault:\nslow@lists.test\tlpfault:\n' >> "$PF/etc/listpipe-transport"
	postmap -c "$PF/etc" "hash:$PF/etc/listpipe-transport"
	storm_setup
}

# fault_teardown - whatever a scenario may have left mounted
fault_teardown() {
	mountpoint -q "$PF/spoolfs" 2>/dev/null && umount "$PF/spoolfs"
	rm -f "$PF/lpfault.fsize"
	return 0
}

# lpfault_opts OPTS - the next lpfault runs get OPTS (default spool,
# sendmail and watchdog when empty)
lpfault_opts() {
	printf '%s\n' "-m ${LPF_SPOOL:-$PF/lib} -s ${LPF_SENDMAIL:-$PF/bin/sendmail} $1" > "$PF/lpfault.opts.new"
	chmod 644 "$PF/lpfault.opts.new"
	mv -f "$PF/lpfault.opts.new" "$PF/lpfault.opts"
}

# sendmail_swap - the body of a new $PF/bin/sendmail on stdin (installed
# at once: a listpipe starting sendmail meanwhile gets the old or the new
# one, never half of one); sendmail_restore - the harness's own again
sendmail_swap() {
	cat > "$PF/bin/sendmail.new"
	chmod 755 "$PF/bin/sendmail.new"
	mv -f "$PF/bin/sendmail.new" "$PF/bin/sendmail"
}
sendmail_restore() {
	cp -p "$PF/bin/sendmail.real" "$PF/bin/sendmail.new"
	mv -f "$PF/bin/sendmail.new" "$PF/bin/sendmail"
}

# mail_counts PREFIX - "COUNT NAME" for each Maildir PREFIX* holding mail
mail_counts() {
	find "$PF/mail/members.test" -mindepth 3 -maxdepth 3 -path "*/$1*/new/*" -type f \
		| awk -F/ '{ print $(NF - 2) }' | sort | uniq -c
}

# each_once PREFIX N - members PREFIX001..N hold exactly one message each;
# says who holds none or more than one
each_once() {
	local prefix=$1 n=$2 counts holders extra missing
	counts=$(mail_counts "$prefix")
	holders=$(printf '%s\n' "$counts" | awk 'NF == 2' | wc -l)
	extra=$(printf '%s\n' "$counts" | awk 'NF == 2 && $1 != 1 { printf "%s(%d) ", $2, $1 }')
	missing=$(comm -23 <(seq -f "$prefix%03g" 1 "$n") <(printf '%s\n' "$counts" | awk 'NF == 2 { print $2 }' | sort))
	[ -z "$extra" ] || echo "      more than one copy: $(echo "$extra" | cut -c 1-300)"
	[ -z "$missing" ] || echo "      no copy: $(echo "$missing" | tr '\n' ' ' | cut -c 1-300) ($(echo "$missing" | wc -l) members)"
	[ "$holders" = "$n" ] && [ -z "$extra" ]
}

# mail_total PREFIX - messages in all Maildirs PREFIX*
mail_total() { mail_counts "$1" | awk '{ n += $1 } END { print n + 0 }'; }
has_total() { [ "$(mail_total "$1")" -ge "$2" ]; }

# settled - nothing in incoming, active or maildrop, twice in a row a
# second apart (a reinjected copy can be between pickup and cleanup)
settled() { pf_wait_idle 30 && sleep 1 && pf_wait_idle 30; }

# no_bounce MARK - nothing bounced since MARK, and no bounce notice
no_bounce() {
	check "nothing bounced" not log_since "$1" 'status=bounced'
	check "no non-delivery notification" not log_since "$1" 'sender non-delivery notification'
}

# qid_of MARK RCPT - the queue id of the first delivery attempt to RCPT since MARK
qid_of() {
	tail -n "+$(($1 + 1))" "$PF/maillog" | grep -E ": [0-9A-F]+: to=<$2>" | head -n 1 \
		| sed -E 's/.*: ([0-9A-F]+): to=.*/\1/'
}

# show_log MARK REGEX - the first maillog line since MARK matching REGEX, indented
show_log() { tail -n "+$(($1 + 1))" "$PF/maillog" | grep -E "$2" | head -n 1 | sed 's/^/    maillog: /'; }

# ------------------------------------------------------------- scenario 1
# listpipe killed (SIGKILL) between two sendmail runs of a 520-member
# list: the first run (500 members) is queued and journaled, the second
# never starts.  Postfix defers (pipe(8): "Command died with signal 9");
# the retry resumes after the journaled run: 20 more, nobody twice.
s_killed_between_batches() {
	local msg=$PF/kill.eml mark qid
	mark=$(log_mark)
	printf 'From: sender@example.com\nTo: kill@lists.test\nSubject: killed\nMessage-ID: <kill-1@example.com>\n\nKilled between runs, then once.\n' > "$msg"
	rm -f "$PF/sm/kill.count"
	# The second run for kill@'s post kills the listpipe that started it.
	sendmail_swap <<SH
#!/bin/sh
case " \$* " in
*" kill-bounces@lists.test "*)
	n=\$(cat $PF/sm/kill.count 2>/dev/null || echo 0)
	n=\$((n + 1))
	echo \$n > $PF/sm/kill.count
	if [ \$n = 2 ]; then
		kill -9 \$PPID
		sleep 10
		exit 75
	fi ;;
esac
exec $PF/bin/sendmail.real "\$@"
SH
	post sender@example.com kill@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 30 log_since "$mark" 'to=<kill@lists.test>, relay=listpipe.*status=deferred' \
		|| fail "no deferral in the maillog"
	sendmail_restore
	qid=$(qid_of "$mark" kill@lists.test)
	show_log "$mark" "$qid: to=<kill@lists.test>.*status=deferred"
	check "deferred because listpipe died of signal 9" \
		log_since "$mark" "$qid: to=<kill@lists.test>, relay=listpipe.*dsn=4\.[0-9.]+, status=deferred \(Command died with signal 9"
	check "the second run started (and was killed): $(cat "$PF/sm/kill.count" 2>/dev/null) runs" \
		[ "$(cat "$PF/sm/kill.count" 2>/dev/null)" = 2 ]
	check "the first run was journaled" \
		[ "$(pf_db "SELECT count(*) FROM journal WHERE queue_id = '$qid' AND list = 'kill@lists.test' AND batch = 1")" = 1 ]
	wait_for 60 has_total k 500 || fail "the first run's 500 copies did not arrive ($(mail_total k))"
	postqueue -c "$PF/etc" -f
	wait_for 60 has_total k "$BIG" || fail "not all $BIG members got it ($(mail_total k))"
	settled
	check "delivered by listpipe on the retry" \
		log_since "$mark" "$qid: to=<kill@lists.test>, relay=listpipe.*status=sent"
	check "listpipe resumed after the first run" \
		lp_log_has ": $qid: list=<kill@lists.test>, status=resumed \(1 runs, 500 of $BIG members queued"
	check "the retry sent only the rest" \
		lp_log_has ": $qid: list=<kill@lists.test>, members=$((BIG - 500)), runs=1, status=sent"
	check "each of the $BIG members holds exactly one copy" each_once k "$BIG"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}

# ------------------------------------------------------------- scenario 2
# The spool directory full: spool@'s listpipe (lpfault) spools into a
# 256 KiB tmpfs, the post is 600 KB: deferred 4.3.1 (the maillog says
# what to fix); the tmpfs grows, a flush delivers it once.  Where no
# tmpfs can be mounted, a file size limit stands in for it (EFBIG, 4.3.1).
s_spool_full() {
	local msg=$PF/spool.eml mark qid fs=$PF/spoolfs m full="No space left on device"
	mark=$(log_mark)
	mkdir -p "$fs"
	if mount -t tmpfs -o "size=256k,mode=0700,uid=$PF_MEMBER_UID,gid=$PF_MEMBER_GID" listpipe-e2e-spool "$fs" 2> "$PF/mount.out"; then
		LPF_SPOOL=$fs lpfault_opts ""
	else
		# No mount here (a container without CAP_SYS_ADMIN): a file
		# size limit of 256 KiB fails the spool write with EFBIG instead.
		echo "    no tmpfs ($(head -n 1 "$PF/mount.out")): a 256 KiB file size limit instead"
		fs=""
		full="File too large"
		echo 512 > "$PF/lpfault.fsize"
		chmod 644 "$PF/lpfault.fsize"
	fi
	{
		printf 'From: sender@example.com\nTo: spool@lists.test\nSubject: too big for the spool\n'
		printf 'Message-ID: <spool-1@example.com>\n\n'
		head -c 450000 /dev/urandom | base64 -w 76
	} > "$msg"
	post sender@example.com spool@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 30 log_since "$mark" 'to=<spool@lists.test>, relay=lpfault.*status=deferred' \
		|| fail "no deferral in the maillog"
	qid=$(qid_of "$mark" spool@lists.test)
	show_log "$mark" "$qid: to=<spool@lists.test>.*status=deferred"
	check "deferred 4.3.1, the spool directory is full" \
		log_since "$mark" "$qid: to=<spool@lists.test>, relay=lpfault.*dsn=4\.3\.1, status=deferred \(listpipe: .*$full"
	check "no member got it yet" [ "$(count_mail y1@members.test)" = 0 ]
	if [ -n "$fs" ]; then
		check "nothing left in the full spool" [ -z "$(ls -A "$fs")" ]
		mount -o remount,size=8m "$fs" || fail "cannot grow the tmpfs"
	else
		rm -f "$PF/lpfault.fsize"
	fi
	postqueue -c "$PF/etc" -f
	wait_for 30 has_mail y3@members.test || fail "not delivered after the spool grew"
	settled
	for m in y1 y2 y3; do
		check "$m has exactly one copy (has $(count_mail $m@members.test))" [ "$(count_mail $m@members.test)" = 1 ]
	done
	check "the copy is whole" same_body "$msg" "$(newest_mail y2@members.test)"
	check "delivered by listpipe after the repair" log_since "$mark" "$qid: to=<spool@lists.test>, relay=lpfault.*status=sent"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
	lpfault_opts ""
	[ -z "$fs" ] || umount "$fs" || fail "cannot unmount $fs"
}

# held_qid SENDER - the queue id of SENDER's mail in the hold queue
held_qid() { postqueue -c "$PF/etc" -p | awk -v s="$1" '/^[0-9A-F]+!/ && $NF == s { sub(/!$/, "", $1); print $1; exit }'; }
in_hold() { [ -n "$(held_qid "$1")" ]; }

# ------------------------------------------------------------- scenario 3
# The database file moved away (an operator's mv) while a post waits in
# the hold queue, which is released meanwhile: listpipe defers it (4.3.5,
# and it creates no empty database in its place); moved back, a flush
# delivers it once.
s_database_moved_away() {
	local msg=$PF/moved.eml mark qid db=$PF/lib/lists.db m
	mark=$(log_mark)
	printf 'From: held@example.com\nTo: moved@lists.test\nSubject: moved\nMessage-ID: <moved-1@example.com>\n\nDeferred, then once.\n' > "$msg"
	post held@example.com moved@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 10 in_hold held@example.com || { fail "the post is not in the hold queue"; return; }
	qid=$(held_qid held@example.com)
	mv "$db" "$db.away"
	postsuper -c "$PF/etc" -H "$qid" > /dev/null 2>&1
	wait_for 30 log_since "$mark" "$qid: to=<moved@lists.test>, relay=listpipe.*status=deferred" \
		|| fail "no deferral in the maillog"
	show_log "$mark" "$qid: to=<moved@lists.test>.*status=deferred"
	check "deferred 4.3.5, the database is missing" \
		log_since "$mark" "$qid: to=<moved@lists.test>, relay=listpipe.*dsn=4\.3\.5, status=deferred \(listpipe: database $db: No such file or directory"
	check "listpipe created no database in its place" not [ -e "$db" ]
	mv "$db.away" "$db"
	postqueue -c "$PF/etc" -f
	wait_for 30 has_mail r3@members.test || fail "not delivered after the database came back"
	settled
	for m in r1 r2 r3; do
		check "$m has exactly one copy (has $(count_mail $m@members.test))" [ "$(count_mail $m@members.test)" = 1 ]
	done
	check "delivered by listpipe after the repair" log_since "$mark" "$qid: to=<moved@lists.test>, relay=listpipe.*status=sent"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
	[ -e "$db" ] || mv "$db.away" "$db" 2>/dev/null
}

# ------------------------------------------------------------- scenario 3b
# The same, with mail arriving meanwhile: a Postfix sqlite: client that
# opens the database while it is away (a new proxymap: they are recycled
# after 100 lookups or 100 s idle; here a reload makes one) must not
# cost the database anything.  Before the move an operator adds a member
# (committed: with proxymap holding the database open it stays in the
# -wal file, as listpipe's own journal rows do); after the move back
# that member is still there and gets the post, once, like the others.
# RCPT for a list address in the gap may be refused for now (4xx),
# never for good (5xx).
s_database_moved_mail_arrives() {
	local msg=$PF/moved2.eml mark qid db=$PF/lib/lists.db m code
	mark=$(log_mark)
	printf 'From: held@example.com\nTo: moved2@lists.test\nSubject: moved2\nMessage-ID: <moved2-1@example.com>\n\nDeferred, then once, for all three.\n' > "$msg"
	post held@example.com moved2@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 10 in_hold held@example.com || { fail "the post is not in the hold queue"; return; }
	qid=$(held_qid held@example.com)
	pf_db "INSERT INTO members(list, address) VALUES ('moved2@lists.test', 'v3@members.test')"
	echo "    -wal before the move: $(stat -c %s "$db-wal" 2>/dev/null || echo none) bytes"
	# A consistent copy, to put back if the move costs the database
	# anything: the scenarios after this one need it whole.
	rm -f "$PF/moved2.bak"
	pf_db ".backup '$PF/moved2.bak'"
	mv "$db" "$db.away"
	postfix -c "$PF/etc" reload > /dev/null 2>&1
	sleep 1
	swaks --server "127.0.0.1:$PF_PORT" --timeout 5 --from sender@example.com --to moved2@lists.test \
		--quit-after RCPT > "$PF/swaks-gap.out" 2>&1
	code=$(grep -E '^<\*{0,2} *[0-9]{3}' "$PF/swaks-gap.out" | tail -n 1 | grep -oE '[0-9]{3}' | head -n 1)
	echo "    RCPT while the database is away: ${code:-no answer} ($(ls "$PF/lib" | grep -c '^lists.db$') lists.db in the directory)"
	check "RCPT in the gap not refused for good (got ${code:-none})" not matches "${code:-}" '^5'
	postsuper -c "$PF/etc" -H "$qid" > /dev/null 2>&1
	postqueue -c "$PF/etc" -f
	wait_for 30 log_since "$mark" "$qid: to=<moved2@lists.test>, relay=listpipe.*status=deferred" \
		|| fail "no deferral in the maillog"
	show_log "$mark" "$qid: to=<moved2@lists.test>.*status=deferred"
	check "deferred 4.3.5" log_since "$mark" "$qid: to=<moved2@lists.test>, relay=listpipe.*dsn=4\.3\.5, status=deferred"
	mv -f "$db.away" "$db"
	postfix -c "$PF/etc" reload > /dev/null 2>&1
	sleep 1
	check "the member added before the move is still there" \
		[ "$(pf_db "SELECT count(*) FROM members WHERE list = 'moved2@lists.test' AND address = 'v3@members.test'")" = 1 ]
	check "the database is sound: $(pf_db 'PRAGMA integrity_check' 2>&1 | head -n 1)" [ "$(pf_db 'PRAGMA integrity_check' 2>&1)" = ok ]
	check "and at the schema version it had ($(pf_db 'PRAGMA user_version'))" \
		[ "$(pf_db 'PRAGMA user_version')" = "$(sqlite3 "$PF/moved2.bak" 'PRAGMA user_version')" ]
	if [ "$scenario_ok" = 0 ]; then
		pf_db ".restore '$PF/moved2.bak'"
		echo "    (the database is put back as it was before the move, for the scenarios after this one)"
	fi
	postqueue -c "$PF/etc" -f
	wait_for 30 has_mail v2@members.test || fail "not delivered after the database came back"
	settled
	for m in v1 v2 v3; do
		check "$m has exactly one copy (has $(count_mail $m@members.test))" [ "$(count_mail $m@members.test)" = 1 ]
	done
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
	[ -e "$db" ] || mv "$db.away" "$db" 2>/dev/null
}

# ------------------------------------------------------------- scenario 4
# The database held by an operator's long write transaction in WAL mode
# (the shipped set-up; s_locked_database_defers covers a rollback-journal
# lock, which stops readers too).  Readers go on (Postfix's RCPT lookup,
# listpipe's routing); listpipe's first write, the journal claim, waits
# for the lock: up to its 10 s busy timeout it delivers once the lock
# ends, past it it defers 4.3.0 with nothing sent.

# hold_write_lock / release_write_lock - sqlite3 holding BEGIN IMMEDIATE
hold_write_lock() {
	touch "$PF/keep-wlock"
	sqlite3 "$PF/lib/lists.db" > "$PF/wlock.out" 2>&1 <<SQL &
BEGIN IMMEDIATE;
UPDATE lists SET enabled = enabled WHERE address = 'wlock@lists.test';
.shell while [ -e "$PF/keep-wlock" ]; do sleep 0.1; done
COMMIT;
SQL
	WLOCK_PID=$!
	wait_for 10 not sqlite3 -cmd ".timeout 0" "$PF/lib/lists.db" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1
}
release_write_lock() {
	rm -f "$PF/keep-wlock"
	wait "$WLOCK_PID" 2>/dev/null
}
# lp_running RCPT - a listpipe of this instance is delivering to RCPT
lp_running() { pgrep -f "^$PF/bin/listpipe .*-- $1\$" > /dev/null; }

# wlock_post TAG - a post to wlock@ with Subject TAG, sent while locked
wlock_post() {
	printf 'From: sender@example.com\nTo: wlock@lists.test\nSubject: %s\nMessage-ID: <%s@example.com>\n\nWaits for the lock.\n' "$1" "$1" > "$PF/$1.eml"
	post sender@example.com wlock@lists.test "$PF/$1.eml" || fail "smtp (RCPT lookup while the lock is held?): $(tail -3 "$PF/smtp.out")"
}

s_write_lock_short() {
	local mark qid m
	mark=$(log_mark)
	hold_write_lock || { fail "could not take the write lock"; release_write_lock; return; }
	wlock_post wlock-short
	wait_for 10 lp_running wlock@lists.test || fail "listpipe is not waiting for the lock"
	sleep 2
	check "nothing delivered while the lock is held" [ "$(mails_with w1@members.test '^Subject: wlock-short$')" = 0 ]
	check "listpipe still waits for it" lp_running wlock@lists.test
	release_write_lock
	wait_for 20 has_mail w3@members.test || fail "not delivered after the lock ended"
	settled
	qid=$(qid_of "$mark" wlock@lists.test)
	show_log "$mark" "$qid: to=<wlock@lists.test>"
	check "delivered at the first attempt, after the wait" log_since "$mark" "$qid: to=<wlock@lists.test>, relay=listpipe.*status=sent"
	check "not deferred" not log_since "$mark" "$qid: .*status=deferred"
	for m in w1 w2 w3; do
		check "$m has exactly one copy" [ "$(mails_with $m@members.test '^Subject: wlock-short$')" = 1 ]
	done
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}

s_write_lock_long() {
	local mark qid m
	mark=$(log_mark)
	hold_write_lock || { fail "could not take the write lock"; release_write_lock; return; }
	wlock_post wlock-long
	wait_for 30 log_since "$mark" 'to=<wlock@lists.test>, relay=listpipe.*status=deferred' \
		|| fail "no deferral in the maillog"
	qid=$(qid_of "$mark" wlock@lists.test)
	show_log "$mark" "$qid: to=<wlock@lists.test>.*status=deferred"
	check "deferred 4.3.0, the database is locked" \
		log_since "$mark" "$qid: to=<wlock@lists.test>, relay=listpipe.*dsn=4\.3\.0, status=deferred \(listpipe: database .* is locked \(waited 10 s\)"
	check "nothing sent" [ "$(mails_with w1@members.test '^Subject: wlock-long$')" = 0 ]
	check "nothing journaled" [ "$(pf_db "SELECT count(*) FROM journal WHERE queue_id = '$qid'")" = 0 ]
	release_write_lock
	postqueue -c "$PF/etc" -f
	wait_for 30 sh -c "[ \$(grep -l '^Subject: wlock-long\$' '$(maildir w3@members.test)'/* 2>/dev/null | wc -l) = 1 ]" \
		|| fail "not delivered after the lock ended"
	settled
	for m in w1 w2 w3; do
		check "$m has exactly one copy" [ "$(mails_with $m@members.test '^Subject: wlock-long$')" = 1 ]
	done
	check "delivered by listpipe after the lock" log_since "$mark" "$qid: to=<wlock@lists.test>, relay=listpipe.*status=sent"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}

# ------------------------------------------------------------- scenario 5
# sendmail missing (the path listpipe's -s names is gone): the exec fails
# in the child, listpipe defers 4.3.0 saying so; back in place, a flush
# delivers once.
s_sendmail_missing() {
	local msg=$PF/nosm.eml mark qid m sm=$PF/bin/sendmail
	mark=$(log_mark)
	printf 'From: sender@example.com\nTo: nosm@lists.test\nSubject: no sendmail\nMessage-ID: <nosm-1@example.com>\n\nDeferred, then once.\n' > "$msg"
	mv "$sm" "$sm.away"
	post sender@example.com nosm@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 30 log_since "$mark" 'to=<nosm@lists.test>, relay=listpipe.*status=deferred' \
		|| fail "no deferral in the maillog"
	qid=$(qid_of "$mark" nosm@lists.test)
	show_log "$mark" "$qid: to=<nosm@lists.test>.*status=deferred"
	check "deferred 4.3.0 naming the missing sendmail" \
		log_since "$mark" "$qid: to=<nosm@lists.test>, relay=listpipe.*dsn=4\.3\.0, status=deferred \(listpipe: $sm exit 127: cannot execute $sm: No such file or directory"
	check "no member got it yet" [ "$(count_mail x1@members.test)" = 0 ]
	check "nothing journaled as sent" [ "$(pf_db "SELECT count(*) FROM journal WHERE queue_id = '$qid' AND batch > 0")" = 0 ]
	mv "$sm.away" "$sm"
	postqueue -c "$PF/etc" -f
	wait_for 30 has_mail x3@members.test || fail "not delivered after sendmail came back"
	settled
	for m in x1 x2 x3; do
		check "$m has exactly one copy (has $(count_mail $m@members.test))" [ "$(count_mail $m@members.test)" = 1 ]
	done
	check "delivered by listpipe after the repair" log_since "$mark" "$qid: to=<nosm@lists.test>, relay=listpipe.*status=sent"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}

# ------------------------------------------------------------- scenario 6
# The watchdog: slow@'s listpipe (lpfault) runs with -t 2 and a sendmail
# that sleeps 5 s before it reads anything: listpipe gives up after 2 s,
# kills the sendmail with its process group and defers 4.3.0 "timed out
# after 2 seconds", before Postfix's own time limit could bounce it.
# With the watchdog and sendmail restored, a flush delivers once.
s_watchdog() {
	local msg=$PF/slow.eml mark qid m slow=$PF/bin/sendmail-slow
	mark=$(log_mark)
	printf 'From: sender@example.com\nTo: slow@lists.test\nSubject: slow\nMessage-ID: <slow-1@example.com>\n\nTimed out, then once.\n' > "$msg"
	cat > "$slow" <<SH
#!/bin/sh
echo \$\$ > $PF/sm/slow.pid
sleep 5
exec $PF/bin/sendmail.real "\$@"
SH
	chmod 755 "$slow"
	rm -f "$PF/sm/slow.pid"
	LPF_SENDMAIL=$slow lpfault_opts "-t 2"
	post sender@example.com slow@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 30 log_since "$mark" 'to=<slow@lists.test>, relay=lpfault.*status=deferred' \
		|| fail "no deferral in the maillog"
	qid=$(qid_of "$mark" slow@lists.test)
	show_log "$mark" "$qid: to=<slow@lists.test>.*status=deferred"
	check "deferred 4.3.0 by the watchdog" \
		log_since "$mark" "$qid: to=<slow@lists.test>, relay=lpfault.*dsn=4\.3\.0, status=deferred \(listpipe: timed out after 2 seconds"
	check "the slow sendmail was started" [ -s "$PF/sm/slow.pid" ]
	# It sleeps before it execs the real one: dead now, it queued nothing.
	check "and killed with listpipe (no process left)" wait_for 3 not kill -0 "$(cat "$PF/sm/slow.pid" 2>/dev/null || echo 0)" 2>/dev/null
	check "no member got a copy from the killed run" [ "$(count_mail t1@members.test)" = 0 ]
	lpfault_opts ""
	postqueue -c "$PF/etc" -f
	wait_for 30 has_mail t3@members.test || fail "not delivered after the repair"
	settled
	for m in t1 t2 t3; do
		check "$m has exactly one copy (has $(count_mail $m@members.test))" [ "$(count_mail $m@members.test)" = 1 ]
	done
	check "delivered after the repair" log_since "$mark" "$qid: to=<slow@lists.test>, relay=lpfault.*status=sent"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}

# ------------------------------------------------------------- scenario 7
# A power cut in the middle of a 520-member post: the first sendmail run
# (500 members) is queued, journaled and delivered; the second has
# started (a sendmail that waits before it reads); then the master, all
# its daemons, pipe(8), listpipe and that sendmail die at once (SIGKILL,
# no clean-up).  Postfix starts again, finds the post in its active
# queue, and listpipe resumes after the journaled run: every member once.
#
# Postfix itself only promises "at least once" across a crash: a
# delivery agent killed after it wrote a Maildir file but before the
# queue file recorded it delivers again.  So the cut comes when the first
# run's copies are all delivered, and every duplicate left is listpipe's.
only_post_active() {
	[ "$(find "$PF/queue/incoming" "$PF/queue/maildrop" -type f | wc -l)" = 0 ] \
		&& [ "$(find "$PF/queue/active" -type f | wc -l)" = 1 ]
}
s_power_cut() {
	local msg=$PF/cut.eml mark qid
	mark=$(log_mark)
	printf 'From: sender@example.com\nTo: cut@lists.test\nSubject: power cut\nMessage-ID: <cut-1@example.com>\n\nCut in the middle, then once.\n' > "$msg"
	rm -f "$PF/sm/cut.count" "$PF/sm/cut.run2" "$PF/sm/cut.go"
	sendmail_swap <<SH
#!/bin/sh
case " \$* " in
*" cut-bounces@lists.test "*)
	n=\$(cat $PF/sm/cut.count 2>/dev/null || echo 0)
	n=\$((n + 1))
	echo \$n > $PF/sm/cut.count
	if [ \$n = 2 ]; then
		echo \$\$ > $PF/sm/cut.run2
		i=0
		while [ ! -e $PF/sm/cut.go ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
	fi ;;
esac
exec $PF/bin/sendmail.real "\$@"
SH
	post sender@example.com cut@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 30 test -s "$PF/sm/cut.run2" || fail "the second sendmail run did not start"
	wait_for 60 has_total c 500 || fail "the first run's 500 copies did not arrive ($(mail_total c))"
	wait_for 30 only_post_active || fail "Postfix is still busy with more than the post"
	qid=$(find "$PF/queue/active" -type f -printf '%f\n' | head -n 1)
	check "the first run is journaled" \
		[ "$(pf_db "SELECT count(*) FROM journal WHERE queue_id = '$qid' AND list = 'cut@lists.test' AND batch = 1")" = 1 ]
	check "listpipe is in the second run" lp_running cut@lists.test
	check "power cut: Postfix, listpipe and sendmail killed" pf_power_cut
	check "no process of the instance left" not pgrep -f "^$PF/" > /dev/null
	check "the post is still in the active queue" [ -n "$(find "$PF/queue/active" -name "$qid")" ]
	sendmail_restore
	pf_start > "$PF/start.out" 2>&1 || { fail "postfix did not start again: $(tail -3 "$PF/start.out")"; return; }
	postqueue -c "$PF/etc" -f
	wait_for 60 has_total c "$BIG" || fail "not all $BIG members got it ($(mail_total c))"
	settled
	check "delivered by listpipe after the restart" \
		log_since "$mark" "$qid: to=<cut@lists.test>, relay=listpipe.*status=sent"
	check "listpipe resumed after the journaled run" \
		lp_log_has ": $qid: list=<cut@lists.test>, status=resumed \(1 runs, 500 of $BIG members queued"
	check "each of the $BIG members holds exactly one copy" each_once c "$BIG"
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}

# ------------------------------------------------------------- scenario 7b
# postfix stop, then start (an upgrade, a restart) while listpipe is in
# the second sendmail run of a 520-member post.  pipe(8) dies with
# Postfix, but listpipe runs in a session of its own (pipe(8) makes one
# for every command) and is not told: it goes on.  The restarted Postfix
# delivers the queue file again, and that listpipe must not send what the
# first one is still sending.  Whatever listpipe does about it (stop
# when its pipe(8) is gone, or defer while another run holds the same
# distribution), every member must end up with exactly one copy.
# As in s_power_cut, the stop comes once the first run's copies are all
# delivered (Postfix's own "at least once" is not under test).
s_restart_mid_post() {
	local msg=$PF/rs.eml mark mark2 qid orphan
	mark=$(log_mark)
	printf 'From: sender@example.com\nTo: restart@lists.test\nSubject: restart\nMessage-ID: <restart-1@example.com>\n\nRestarted in the middle, then once.\n' > "$msg"
	rm -f "$PF/sm/rs.count" "$PF/sm/rs.run2" "$PF/sm/rs.go"
	# The first attempt's second run waits for rs.go before it sends.
	sendmail_swap <<SH
#!/bin/sh
case " \$* " in
*" restart-bounces@lists.test "*)
	n=\$(cat $PF/sm/rs.count 2>/dev/null || echo 0)
	n=\$((n + 1))
	echo \$n > $PF/sm/rs.count
	if [ \$n = 2 ]; then
		echo \$\$ > $PF/sm/rs.run2
		i=0
		while [ ! -e $PF/sm/rs.go ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
	fi ;;
esac
exec $PF/bin/sendmail.real "\$@"
SH
	post sender@example.com restart@lists.test "$msg" || fail "smtp: $(tail -3 "$PF/smtp.out")"
	wait_for 30 test -s "$PF/sm/rs.run2" || fail "the second sendmail run did not start"
	wait_for 60 has_total h 500 || fail "the first run's 500 copies did not arrive ($(mail_total h))"
	wait_for 30 only_post_active || fail "Postfix is still busy with more than the post"
	qid=$(find "$PF/queue/active" -type f -printf '%f\n' | head -n 1)
	orphan=$(pgrep -f "^$PF/bin/listpipe .*-- restart@lists.test\$" | head -n 1)
	check "the first run is journaled" \
		[ "$(pf_db "SELECT count(*) FROM journal WHERE queue_id = '$qid' AND list = 'restart@lists.test' AND batch = 1")" = 1 ]
	pf_stop
	wait_for 10 not kill -0 "$(tr -d ' ' < "$PF/queue/pid/master.pid" 2>/dev/null || echo 0)" 2>/dev/null
	sleep 0.5
	if [ -n "$orphan" ] && kill -0 "$orphan" 2>/dev/null; then
		echo "    listpipe $orphan outlived postfix stop (its pipe(8) is gone), still in its second run"
	fi
	mark2=$(log_mark)
	pf_start > "$PF/start.out" 2>&1 || { fail "postfix did not start again: $(tail -3 "$PF/start.out")"; return; }
	postqueue -c "$PF/etc" -f
	wait_for 20 log_since "$mark2" "$qid: to=<restart@lists.test>, relay=listpipe.*status=(sent|deferred)" \
		|| fail "the restarted Postfix did not deliver the post again"
	show_log "$mark2" "$qid: to=<restart@lists.test>, relay=listpipe"
	# Now let the first listpipe's second run go on, if it still runs.
	touch "$PF/sm/rs.go"
	[ -n "$orphan" ] && wait_for 20 not kill -0 "$orphan" 2>/dev/null
	for _ in 1 2 3; do
		wait_for 10 sh -c "! postqueue -c '$PF/etc' -p | grep -q '^$qid'" && break
		postqueue -c "$PF/etc" -f
	done
	wait_for 20 has_total h "$BIG"
	settled
	sendmail_restore
	check "each of the $BIG members holds exactly one copy" each_once h "$BIG"
	if ! each_once h "$BIG" > /dev/null; then
		grep -E ": $qid: " "$PF/lib/listpipe.log" | grep -E 'restart@|deferred' | sed 's/^/    listpipe.log: /'
	fi
	no_bounce "$mark"
	check "queue empty" [ -z "$(pf_queue)" ]
}
