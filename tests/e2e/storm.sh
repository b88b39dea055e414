# tests/e2e/storm.sh - 55 listpipe runs that write, at once, against one
# database, through the real instance (sourced by tests/e2e/run).
#
# 30 posts to three open lists (journal claims, runs, seen Message-IDs),
# one more post to five extensions of one list in one queue file (five
# runs racing for one claim: one distribution), 10 bounces to a VERP -bounces address (a Maildir file and a bounces row
# each) and 10 strangers' posts to a moderated list (a held row and a
# moderator notice each) are submitted by 51 parallel SMTP sessions and
# wait in the hold queue; released together, qmgr hands them to listpipe
# at once (listpipe's destination concurrency and maxproc are raised to
# 60 for this instance): 55 listpipe runs.  A sendmail that waits a second before it
# reinjects keeps the 40 runs that reinject alive together, so that their
# journal writes after sendmail meet as well as their claims before it.
# Meanwhile an SMTP client keeps asking Postfix about an existing list
# address at RCPT time (proxymap, sqlite:).

STORM_POSTS=10	# per open list; there are three
STORM_OTHER=10	# bounces, and held posts

storm_setup() {
	pf_db "
	INSERT INTO lists(address) VALUES ('storm1@lists.test'), ('storm2@lists.test'), ('storm3@lists.test');
	INSERT INTO members(list, address) VALUES
	       ('storm1@lists.test', 'za1@members.test'), ('storm1@lists.test', 'za2@members.test'),
	       ('storm1@lists.test', 'za3@members.test'),
	       ('storm2@lists.test', 'zb1@members.test'), ('storm2@lists.test', 'zb2@members.test'),
	       ('storm2@lists.test', 'zb3@members.test'),
	       ('storm3@lists.test', 'zc1@members.test'), ('storm3@lists.test', 'zc2@members.test'),
	       ('storm3@lists.test', 'zc3@members.test');
	INSERT INTO lists(address, policy, refused) VALUES ('stormq@lists.test', 'members', 'hold');
	INSERT INTO members(list, address) VALUES
	       ('stormq@lists.test', 'zq1@members.test'), ('stormq@lists.test', 'zq2@members.test');
	INSERT INTO members(list, address, role) VALUES ('stormq@lists.test', 'zm@members.test', 'moderator');
	" || return 1
	pf_members za1@members.test za2@members.test za3@members.test zb1@members.test \
		zb2@members.test zb3@members.test zc1@members.test zc2@members.test \
		zc3@members.test zq1@members.test zq2@members.test zm@members.test
	# Bounces come with the null sender: hold those that come by SMTP
	# too (Postfix's own bounces do not pass smtpd).
	printf '<> HOLD held by the e2e harness\n' >> "$PF/etc/hold_senders"
	postmap -c "$PF/etc" "hash:$PF/etc/hold_senders"
	postconf -c "$PF/etc" -e "default_process_limit = 150" \
		"listpipe_destination_concurrency_limit = 60" \
		"listpipe_initial_destination_concurrency = 60"
	postconf -c "$PF/etc" -F "listpipe/unix/process_limit = 60"
}

# storm_files DIR - the 51 messages, and DIR/list: "SENDER RCPT[,RCPT...] FILE" lines
storm_files() {
	local dir=$1 l i f
	mkdir -p "$dir"
	: > "$dir/list"
	for l in 1 2 3; do
		for i in $(seq "$STORM_POSTS"); do
			f=$dir/post-$l-$i.eml
			printf 'From: poster@example.com\nTo: storm%s@lists.test\nSubject: storm %s-%s\nMessage-ID: <storm-%s-%s@example.com>\n\nOne of thirty.\n' \
				"$l" "$l" "$i" "$l" "$i" > "$f"
			echo "held@example.com storm$l@lists.test $f" >> "$dir/list"
		done
	done
	# One queue file for five addresses of storm3 (extensions): five
	# listpipe runs at once for one distribution.
	f=$dir/ext.eml
	printf 'From: poster@example.com\nTo: storm3+e1@lists.test, storm3+e2@lists.test\nSubject: storm extensions\nMessage-ID: <storm-ext@example.com>\n\nOne queue file, five recipients, one post.\n' > "$f"
	echo "held@example.com storm3+e1@lists.test,storm3+e2@lists.test,storm3+e3@lists.test,storm3+e4@lists.test,storm3+e5@lists.test $f" >> "$dir/list"
	for i in $(seq "$STORM_OTHER"); do
		f=$dir/bounce-$i.eml
		cat > "$f" <<MSG
From: MAILER-DAEMON@mx.members.test
To: storm1-bounces+za1=members.test@lists.test
Subject: Delayed Mail (still being retried)
Message-ID: <storm-bounce-$i@mx.members.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b$i"

--b$i
Content-Type: text/plain

Delivery to za1@members.test is delayed ($i).

--b$i
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.members.test

Final-Recipient: rfc822; za1@members.test
Action: delayed
Status: 4.4.7
Diagnostic-Code: smtp; 451 4.4.7 try again later ($i)

--b$i--
MSG
		echo "- storm1-bounces+za1=members.test@lists.test $f" >> "$dir/list"
		f=$dir/held-$i.eml
		printf 'From: Stranger %s <stranger%s@example.com>\nTo: stormq@lists.test\nSubject: stranger %s\nMessage-ID: <storm-held-%s@example.com>\n\nHold me.\n' \
			"$i" "$i" "$i" "$i" > "$f"
		echo "held@example.com stormq@lists.test $f" >> "$dir/list"
	done
}

# lp_count - listpipe processes of this instance now
lp_count() { pgrep -c -f "^$PF/bin/listpipe " || true; }

# storm_sampler FILE STOPFILE - the most listpipe processes seen at once,
# into FILE, sampled every 20 ms until STOPFILE exists
storm_sampler() {
	local max=0 n
	while [ ! -e "$2" ]; do
		n=$(lp_count)
		[ "$n" -gt "$max" ] && max=$n && echo "$max" > "$1"
		sleep 0.02
	done
}

storm_done() {
	[ "$(mail_total za)" -ge $((3 * STORM_POSTS)) ] && [ "$(mail_total zb)" -ge $((3 * STORM_POSTS)) ] \
		&& [ "$(mail_total zc)" -ge $((3 * STORM_POSTS + 3)) ] && [ "$(count_mail zm@members.test)" -ge "$STORM_OTHER" ] \
		&& [ "$(pf_db "SELECT count(*) FROM bounces WHERE list = 'storm1@lists.test'")" -ge "$STORM_OTHER" ]
}

s_storm() {
	local dir=$PF/storm mark lp_mark stop=$PF/storm.stop pids="" from rcpt f n bad m l i
	local max held bounces notices probe want
	mark=$(log_mark)
	lp_mark=$(wc -l < "$PF/lib/listpipe.log" 2>/dev/null || echo 0)
	rm -f "$stop" "$PF/storm.max" "$PF/probe.out"
	storm_files "$dir"
	# Reinjection for the storm lists waits a second.
	sendmail_swap <<SH
#!/bin/sh
case " \$* " in
*" storm"?"-bounces@lists.test "*) sleep 1 ;;
esac
exec $PF/bin/sendmail.real "\$@"
SH
	"$TOP/tests/e2e/rcpt-probe" 127.0.0.1 "$PF_PORT" storm2@lists.test "$stop" 120 > "$PF/probe.out" 2>&1 &
	probe=$!
	storm_sampler "$PF/storm.max" "$stop" &
	local sampler=$!

	# 51 SMTP sessions at once; everything lands in the hold queue.
	n=0
	while read -r from rcpt f; do
		n=$((n + 1))
		[ "$from" = - ] && from=""
		# shellcheck disable=SC2086
		"$TOP/tests/e2e/smtp-send" 127.0.0.1 "$PF_PORT" "$from" "$f" ${rcpt//,/ } > "$dir/smtp-$n.out" 2>&1 &
		pids="$pids $!"
	done < "$dir/list"
	bad=0
	for p in $pids; do wait "$p" || bad=$((bad + 1)); done
	check "all $n SMTP submissions accepted ($bad failed: $(cat "$dir"/smtp-*.out | grep -v '^ *[0-9A-F]* *$' | grep -iv 'queued' | head -n 2))" [ "$bad" = 0 ]
	wait_for 20 sh -c "[ \$(postqueue -c '$PF/etc' -p | grep -c '^[0-9A-F]*!') -ge $n ]" \
		|| fail "not all $n are in the hold queue ($(postqueue -c "$PF/etc" -p | grep -c '^[0-9A-F]*!'))"

	# Released together.
	postsuper -c "$PF/etc" -H ALL > /dev/null 2>&1
	postqueue -c "$PF/etc" -f
	wait_for 60 storm_done
	# A deferral (a lock past the busy timeout) is allowed: flush until done.
	for _ in 1 2 3; do
		storm_done && break
		postqueue -c "$PF/etc" -f
		wait_for 20 storm_done
	done
	settled
	touch "$stop"
	wait "$probe" "$sampler" 2>/dev/null
	max=$(cat "$PF/storm.max" 2>/dev/null || echo 0)
	echo "    at most $max listpipe processes at once; $(head -n 1 "$PF/probe.out") RCPT probes"
	check "listpipe really ran concurrently ($max at once, want at least 30)" [ "$max" -ge 30 ]

	# Postfix's RCPT lookups kept answering.
	check "the RCPT probe ran ($(head -n 1 "$PF/probe.out"))" grep -qE '^probes=([2-9][0-9]|[0-9]{3,}) ' "$PF/probe.out"
	check "every RCPT probe got 2xx: $(grep '^fail:' "$PF/probe.out" | head -n 3 | tr '\n' ' ')" not grep -q '^fail:' "$PF/probe.out"
	check "no lookup failure in the maillog" \
		not log_since "$mark" 'table lookup problem|Temporary lookup failure|proxymap.*(fatal|warning)|sqlite.*(fatal|locked)'

	# "database is locked" only ever as a deferral.
	n=$(tail -n "+$((mark + 1))" "$PF/maillog" | grep -ci 'locked' || true)
	bad=$(tail -n "+$((mark + 1))" "$PF/maillog" | grep -i 'locked' | grep -cvE 'dsn=4\.[0-9.]+, status=deferred' || true)
	check "maillog: 'locked' only in 4.x deferrals ($n lines, $bad otherwise)" [ "$bad" = 0 ]
	bad=$(tail -n "+$((lp_mark + 1))" "$PF/lib/listpipe.log" | grep -i 'locked' | grep -v 'status=deferred (4\.' || true)
	check "listpipe.log: 'locked' only in deferrals: $(echo "$bad" | head -n 2)" [ -z "$bad" ]
	check "listpipe.log: no journal write lost" not sh -c "tail -n '+$((lp_mark + 1))' '$PF/lib/listpipe.log' | grep -q 'not in the journal'"
	check "listpipe.log: no bounce lost" not sh -c "tail -n '+$((lp_mark + 1))' '$PF/lib/listpipe.log' | grep -q 'stored but not recorded'"
	echo "    $(tail -n "+$((mark + 1))" "$PF/maillog" | grep -c 'to=<storm.*status=deferred') deferrals"

	# Every post once, every bounce and every held post recorded.
	for l in a b c; do
		for m in 1 2 3; do
			want=$STORM_POSTS
			[ "$l" = c ] && want=$((STORM_POSTS + 1))
			n=$(count_mail z$l$m@members.test)
			check "z$l$m has exactly $want copies (has $n)" [ "$n" = "$want" ]
		done
	done
	for i in $(seq "$STORM_POSTS"); do
		n=$(mails_with "zb1@members.test" "^Subject: storm 2-$i\$")
		[ "$n" = 1 ] || fail "zb1 has $n copies of storm 2-$i"
	done
	for m in 1 2 3; do
		n=$(mails_with "zc$m@members.test" '^Subject: storm extensions$')
		check "zc$m got the post to five extensions of storm3 once (has $n)" [ "$n" = 1 ]
	done
	n=$(tail -n "+$((lp_mark + 1))" "$PF/lib/listpipe.log" | grep -c 'list=<storm3@lists.test>, status=sent (already distributed for <storm3+e' || true)
	check "four of the five runs found the distribution claimed ($n)" [ "$n" = 4 ]
	bounces=$(pf_db "SELECT count(*) FROM bounces WHERE list = 'storm1@lists.test' AND member = 'za1@members.test'")
	check "every bounce recorded ($bounces of $STORM_OTHER rows, attributed to za1)" [ "$bounces" = "$STORM_OTHER" ]
	check "every bounce stored ($(ls "$(bounce_dir storm1@lists.test)" | wc -l) files)" \
		[ "$(ls "$(bounce_dir storm1@lists.test)" | wc -l)" = "$STORM_OTHER" ]
	held=$(pf_db "SELECT count(*) FROM held WHERE list = 'stormq@lists.test' AND state = 'held'")
	check "every held post recorded ($held of $STORM_OTHER rows)" [ "$held" = "$STORM_OTHER" ]
	notices=$(count_mail zm@members.test)
	check "the moderator got one notice per held post ($notices)" [ "$notices" = "$STORM_OTHER" ]
	check "stormq's members got nothing" [ "$(mail_total zq)" = 0 ]
	n=$(tail -n "+$((mark + 1))" "$PF/maillog" | grep -cE 'to=<storm[^>]*@lists.test>, relay=listpipe.*status=sent' || true)
	check "Postfix delivered all 55 recipients to listpipe ($n)" [ "$n" = 55 ]
	no_bounce "$mark"
	sendmail_restore
	check "queue empty" [ -z "$(pf_queue)" ]
}
