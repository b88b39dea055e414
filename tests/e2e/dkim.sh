# tests/e2e/dkim.sh - DKIM, DMARC and the archive through the private
# Postfix (sourced by tests/e2e/run): the author's signature and the list
# domain's (Debian's opendkim as a non_smtpd_milters milter, configured
# from postfix/opendkim.conf) both verify at a member, checked by dkimpy
# (tests/dkim/prove); From rewriting decided by a DMARC record served by
# dnsmasq on loopback; the archive imported and searched with Debian's
# public-inbox.

DKIM_DIR=$PF/dkim
# The members here (dk1-3, ar1) stay clear of the prefixes faults.sh
# counts copies under (c, h, k).

# dkim_setup - the lists, the keys and a running opendkim; 0 or 1
dkim_setup() {
	local port
	mkdir -p "$DKIM_DIR" || return 1
	"$TOP/tests/dkim/prove" sign "$DKIM_DIR/author" author.test > /dev/null || return 1
	(cd "$DKIM_DIR" && opendkim-genkey -d lists.test -s list) || return 1
	chmod 600 "$DKIM_DIR/list.private"
	port=$(pf_free_port) || return 1
	DKIM_PORT=$port
	# The shipped configuration, with this instance's paths and port.
	sed -e "s|^Socket.*|Socket			inet:$port@127.0.0.1|" \
	    -e "s|^Domain.*|Domain			lists.test|" \
	    -e "s|^KeyFile.*|KeyFile			$DKIM_DIR/list.private|" \
	    -e "s|^Syslog.*|Syslog			no|" \
	    -e "/^UserID/d" -e "/^UMask/d" \
	    "$TOP/postfix/opendkim.conf" > "$DKIM_DIR/opendkim.conf"
	# The key lives under /tmp, which anyone may write: fine for a test.
	printf 'PidFile\t\t\t%s\nBackground\t\tno\nRequireSafeKeys\t\tfalse\n' \
		"$DKIM_DIR/opendkim.pid" >> "$DKIM_DIR/opendkim.conf"
	opendkim -x "$DKIM_DIR/opendkim.conf" > "$DKIM_DIR/opendkim.out" 2>&1 &
	DKIM_PID=$!
	wait_for 10 port_open "$port" || { cat "$DKIM_DIR/opendkim.out"; return 1; }
	postconf -c "$PF/etc" "non_smtpd_milters = inet:127.0.0.1:$port" \
		"milter_default_action = tempfail" || return 1
	postfix -c "$PF/etc" reload > /dev/null 2>&1 || return 1
	pf_db "
	INSERT INTO lists(address, subject_prefix, reply_to) VALUES
	       ('signed@lists.test', '[signed]', 'list');
	INSERT INTO members(list, address) VALUES ('signed@lists.test', 'dk1@members.test');
	INSERT INTO lists(address, subject_prefix, reply_to, dkim) VALUES
	       ('ignored@lists.test', '[ignored]', 'list', 'ignore');
	INSERT INTO members(list, address) VALUES ('ignored@lists.test', 'dk3@members.test');
	INSERT INTO lists(address, subject_prefix, from_rewrite) VALUES
	       ('strict@lists.test', '[strict]', 'dmarc');
	INSERT INTO members(list, address) VALUES ('strict@lists.test', 'dk2@members.test');
	INSERT INTO lists(address, archive, archive_url) VALUES
	       ('arch@lists.test', 1, 'http://127.0.0.1/arch/');
	INSERT INTO members(list, address) VALUES ('arch@lists.test', 'ar1@members.test');
	" || return 1
	pf_members dk1@members.test dk2@members.test dk3@members.test ar1@members.test
}

# dkim_teardown - the instance as before: no milter, no -R, nothing running
dkim_teardown() {
	if [ -n "${DKIM_PID:-}" ] && [ -f "$PF/etc/main.cf" ]; then
		postconf -c "$PF/etc" -X non_smtpd_milters milter_default_action
		sed -i -e "s| -R 127.0.0.1:[0-9]* | |" "$PF/etc/master.cf"
		postfix -c "$PF/etc" reload > /dev/null 2>&1
	fi
	[ -n "${DKIM_PID:-}" ] && kill "$DKIM_PID" 2>/dev/null
	[ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null
	DKIM_PID= DNS_PID=
	return 0
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

s_dkim_signatures_survive() {
	local n=0 f copies mark
	mark=$(log_mark)
	dkim_setup || { fail "cannot set up opendkim and the lists"; return; }
	for f in "$DKIM_DIR"/author/msg.[0-9][0-9][0-9]; do
		n=$((n + 1))
		"$TOP/tests/e2e/smtp-send" 127.0.0.1 "$PF_PORT" carol@author.test "$f" \
			signed@lists.test ignored@lists.test > "$PF/smtp.out" 2>&1 \
			|| fail "send $(cat "$f.label"): $(tail -3 "$PF/smtp.out")"
	done
	wait_for 120 has_mail dk1@members.test "$n" || fail "only $(count_mail dk1@members.test) of $n copies arrived"
	wait_for 60 has_mail dk3@members.test "$n" || fail "only $(count_mail dk3@members.test) of $n copies arrived at dk3"
	pf_wait_idle 30
	check "dk1 holds exactly $n copies" [ "$(count_mail dk1@members.test)" = "$n" ]
	check "dk3 holds exactly $n copies" [ "$(count_mail dk3@members.test)" = "$n" ]
	copies=$(ls "$(maildir dk1@members.test)"/*)
	# Every copy: the author's signature and the list domain's verify.
	# shellcheck disable=SC2086
	"$TOP/tests/dkim/prove" verify -k author.test="$DKIM_DIR/author/key.txt" \
		-k lists.test="$DKIM_DIR/list.txt" $copies > "$DKIM_DIR/verify.out" 2>&1
	check "dkimpy, dkim respect: $(grep '^d=' "$DKIM_DIR/verify.out" | tr '\n' ' ')" \
		grep -q "^d=author.test: $n/$n verify$" "$DKIM_DIR/verify.out"
	check "dkimpy: the list's signature on all $n" \
		grep -q "^d=lists.test: $n/$n verify$" "$DKIM_DIR/verify.out"
	# The same posts to a list that ignores signatures and tags subjects:
	# the author's signatures break (so the check above can fail), the
	# list's still verify.
	# shellcheck disable=SC2086
	"$TOP/tests/dkim/prove" verify -k author.test="$DKIM_DIR/author/key.txt" \
		-k lists.test="$DKIM_DIR/list.txt" $(ls "$(maildir dk3@members.test)"/*) \
		> "$DKIM_DIR/verify-ignore.out" 2>&1
	check "dkim ignore with a tag: no author signature verifies ($(grep '^d=' "$DKIM_DIR/verify-ignore.out" | tr '\n' ' '))" \
		grep -q "^d=author.test: 0/$n verify$" "$DKIM_DIR/verify-ignore.out"
	check "dkim ignore: the list's signature on all $n" \
		grep -q "^d=lists.test: $n/$n verify$" "$DKIM_DIR/verify-ignore.out"
	check "listpipe said which changes the signatures kept it from" \
		lp_log_has 'list=<signed@lists.test>, dkim=author.test, kept=.*Subject'
	check "nothing bounced" not log_since "$mark" 'status=bounced'
}

# dns_start - dnsmasq on loopback with strict.test p=reject
dns_start() {
	local port
	port=$(pf_free_port) || return 1
	dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address=127.0.0.1 --port="$port" \
		--pid-file= --local=/test/ \
		--txt-record='_dmarc.strict.test,v=DMARC1; p=reject' \
		--txt-record='_dmarc.author.test,v=DMARC1; p=none' &
	DNS_PID=$!
	DNS_PORT=$port
	sleep 0.5
	kill -0 "$DNS_PID" 2>/dev/null
}

s_dmarc_from_rewrite() {
	local msg i mark
	mark=$(log_mark)
	[ -n "${DKIM_PORT:-}" ] || { fail "needs the DKIM scenario's set-up"; return; }
	dns_start || { fail "dnsmasq did not start"; return; }
	# The shipped service line, with -R for this test's DNS server.
	sed -i -e "s|argv=$PF/bin/listpipe |argv=$PF/bin/listpipe -R 127.0.0.1:$DNS_PORT |" "$PF/etc/master.cf"
	postfix -c "$PF/etc" reload > /dev/null 2>&1
	sleep 1
	msg=$PF/dmarc-post.eml
	printf 'From: Sam <sam@strict.test>\nTo: strict@lists.test\nSubject: strict domain\nMessage-ID: <strict-1@strict.test>\n\nPosted from a p=reject domain.\n' > "$msg"
	post sam@strict.test strict@lists.test "$msg" || fail "send: $(tail -3 "$PF/smtp.out")"
	msg=$PF/dmarc-post2.eml
	printf 'From: Carol <carol@author.test>\nTo: strict@lists.test\nSubject: relaxed domain\nMessage-ID: <relaxed-1@author.test>\n\nPosted from a p=none domain.\n' > "$msg"
	post carol@author.test strict@lists.test "$msg" || fail "send: $(tail -3 "$PF/smtp.out")"
	wait_for 20 has_mail dk2@members.test 2 || fail "the posts did not arrive"
	i=$(grep -l '^Subject: \[strict\] strict domain' "$(maildir dk2@members.test)"/*)
	check "p=reject: From is the list's" [ "$(header "$i" From)" = '"Sam via strict" <strict@lists.test>' ]
	check "p=reject: the author in Reply-To" [ "$(header "$i" Reply-To)" = '"Sam" <sam@strict.test>' ]
	check "p=reject: the list domain signed it (From's domain)" grep -q '^DKIM-Signature:.*d=lists.test' "$i"
	i=$(grep -l '^Subject: \[strict\] relaxed domain' "$(maildir dk2@members.test)"/*)
	check "p=none: From stays the author's" [ "$(header "$i" From)" = 'Carol <carol@author.test>' ]
	check "listpipe logged the decision" lp_log_has 'list=<strict@lists.test>, from=rewritten \(dmarc strict: _dmarc.strict.test: p=reject\)'
	check "nothing bounced" not log_since "$mark" 'status=bounced'
}

s_archive_public_inbox() {
	local msg pi hits i mark
	mark=$(log_mark)
	[ -n "${DKIM_PORT:-}" ] || { fail "needs the DKIM scenario's set-up"; return; }
	command -v public-inbox-watch > /dev/null || { fail "public-inbox is not installed"; return; }
	msg=$PF/archive-post.eml
	printf 'From: Carol <carol@author.test>\nTo: arch@lists.test\nSubject: zebracorn sighting\nMessage-ID: <zebracorn-1@author.test>\nDate: Sat, 21 Nov 2026 10:00:00 +0000\n\nA zebracorn was seen near the lake.\n' > "$msg"
	post carol@author.test arch@lists.test "$msg" || fail "send: $(tail -3 "$PF/smtp.out")"
	wait_for 20 has_mail ar1@members.test || fail "the post did not arrive"
	i=$(newest_mail ar1@members.test)
	check "the copy carries List-Archive" [ "$(header "$i" List-Archive)" = '<http://127.0.0.1/arch/>' ]
	check "one file in the archive Maildir" \
		[ "$(ls "$PF/lib/archive/arch@lists.test/new" | wc -l)" = 1 ]
	check "the archived copy is the members' (List-Id, body)" \
		grep -q '^List-Id: <arch.lists.test>$' "$PF/lib/archive/arch@lists.test/new/"*
	# public-inbox as the pipe(8) user, who owns the archive (README).
	pi=$PF/pi
	mkdir -p "$pi" && chown nobody "$pi"
	# From $pi: the checkout may be in root's mode-700 home, where
	# nobody cannot even stat the working directory (git needs to).
	as_nobody() { (cd "$pi" && setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$pi" PI_CONFIG="$pi/config" "$@"); }
	as_nobody public-inbox-init -V2 arch "$pi/arch" http://127.0.0.1/arch/ arch@lists.test \
		> "$pi/init.out" 2>&1 || { fail "public-inbox-init: $(cat "$pi/init.out")"; return; }
	as_nobody git config --file "$pi/config" publicinbox.arch.watch "maildir:$PF/lib/archive/arch@lists.test"
	as_nobody timeout 30 public-inbox-watch > "$pi/watch.out" 2>&1 &
	search() {
		as_nobody perl -MPublicInbox::Config -e '
			my $ibx = PublicInbox::Config->new->lookup_name("arch") or exit 1;
			my $s = $ibx->isrch or exit 1;
			my $m = $s->mset($ARGV[0]);
			print join("\n", map { "<$_->{mid}> $_->{subject}" }
				   @{$s->mset_to_smsg($ibx, $m)}), "\n";' "$1" 2>/dev/null
	}
	found() { search zebracorn | grep -q '<zebracorn-1@author.test> zebracorn sighting'; }
	wait_for 25 found
	hits=$(search zebracorn)
	check "public-inbox imported the archive and its search finds the post: $hits" found
	pkill -u nobody -f public-inbox-watch 2>/dev/null
	check "nothing bounced" not log_since "$mark" 'status=bounced'
	dkim_teardown
}
