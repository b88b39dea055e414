# tests/e2e/instance.sh - a private, throwaway Postfix instance (sourced).
#
# Everything lives under $PF (a fixed directory, so that it can be named
# in /etc/postfix/main.cf's alternate_config_directories, which Postfix
# requires before a non-root sendmail may reinject into it).  Wiring is the
# operator's: postfix/main.cf, postfix/master.cf and the sqlite: lookup files
# from the repository, with paths substituted.  Nothing outside $PF is
# touched except that one main.cf line; nothing not started here is stopped.
#
#   pf_create DIR PORT   lay out DIR and write its configuration
#   pf_start / pf_stop   run or stop the instance (stop only what we started)
#   pf_db SQL            run SQL on the instance's lists database
#   pf_wait_idle         until the queue is empty or only deferred mail is left

: "${TOP:?TOP must point at the repository}"

PF_MEMBER_UID=65534	# nobody: runs listpipe (user=) and owns the Maildirs
PF_MEMBER_GID=65534

pf_log() { printf '%s\n' "$*" >&2; }

# pf_allow_alternate - add $1 to alternate_config_directories, once
pf_allow_alternate() {
	local dir=$1 cur
	[ -f /etc/postfix/main.cf ] || : > /etc/postfix/main.cf
	cur=$(postconf -h alternate_config_directories 2>/dev/null || true)
	case " $(echo "$cur" | tr ',' ' ') " in
	*" $dir "*) return 0 ;;
	esac
	postconf -e "alternate_config_directories = ${cur:+$cur, }$dir"
}

# pf_prepare_db_dir DIR USER - the README's recipe: DIR belongs to the
# listpipe user, and a default ACL lets both that user and Postfix (whose
# sqlite: lookups create -wal/-shm as often as listpipe does) read and
# write every file SQLite makes there.  pipe(8) refuses the postfix group
# for user=, so a shared group cannot do this.
pf_prepare_db_dir() {
	install -d -o "$2" -m 750 "$1"
	setfacl -m u:postfix:rwx -m d:u:postfix:rw -m "d:u:$2:rw" -m d:m::rw "$1"
}

# pf_free_port - a loopback port nobody listens on
pf_free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

pf_create() {
	PF=$1
	PF_PORT=$2
	pf_stop_if_running "$PF"
	rm -rf "$PF"
	mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$PF/bin" "$PF/lib" "$PF/mail"
	chmod 755 "$PF" "$PF/etc" "$PF/bin"
	chown postfix "$PF/data"
	pf_prepare_db_dir "$PF/lib" nobody
	chown "$PF_MEMBER_UID:$PF_MEMBER_GID" "$PF/mail"
	chmod 700 "$PF/mail"

	install -m 755 "$TOP/listpipe" "$PF/bin/listpipe"
	# The real sendmail, unless a test asks it to fail (file $PF/fail-sendmail).
	cat > "$PF/bin/sendmail" <<SH
#!/bin/sh
if [ -e "$PF/fail-sendmail" ]; then
	echo "sendmail: fatal: test says no" >&2
	exit 75
fi
exec /usr/sbin/sendmail "\$@"
SH
	chmod 755 "$PF/bin/sendmail"

	sqlite3 "$PF/lib/lists.db" < "$TOP/sql/schema.sql" > /dev/null
	# 0660: SQLite gives -wal/-shm the database's mode, whose group bits
	# are the ACL mask; r-- there would make the ACL entries read-only.
	chown nobody "$PF/lib/lists.db"
	chmod 660 "$PF/lib/lists.db"

	sed -e "s|/var/lib/listpipe/lists.db|$PF/lib/lists.db|" \
		"$TOP/postfix/listpipe-recipients.cf" > "$PF/etc/listpipe-recipients.cf"
	# Two list domains, as an operator with a second one would have them;
	# spare.test holds no list until a scenario makes one.
	sed -e "s|lists\.example\.org|lists.test|" "$TOP/postfix/listpipe-transport" \
		> "$PF/etc/listpipe-transport"
	printf 'spare.test\tlistpipe:\n' >> "$PF/etc/listpipe-transport"
	: > "$PF/etc/vmailbox"
	# Mail from this sender waits in the hold queue (postsuper -H releases
	# it); only the SMTP envelope is matched, so list copies are not held.
	printf 'held@example.com HOLD held by the e2e harness\n' > "$PF/etc/hold_senders"

	cat > "$PF/etc/main.cf" <<CF
# private listpipe test instance; everything below $PF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.lists.test
mydomain = lists.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
local_transport = error:5.1.1 no local delivery here
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
biff = no
message_size_limit = 64000000
virtual_mailbox_limit = 64000000
delay_warning_time = 0
# A failed delivery throttles the transport; keep retries quick for tests.
minimal_backoff_time = 2s
maximal_backoff_time = 4s
queue_run_delay = 2s
# Postfix's sqlite client dies on a locked database; restart it quickly.
service_throttle_time = 2s
smtpd_sender_restrictions = check_sender_access hash:$PF/etc/hold_senders
# members live here, in Maildirs under $PF/mail
virtual_mailbox_domains = members.test
virtual_mailbox_base = $PF/mail
virtual_mailbox_maps = hash:$PF/etc/vmailbox
virtual_uid_maps = static:$PF_MEMBER_UID
virtual_gid_maps = static:$PF_MEMBER_GID

# ---- postfix/main.cf, as an operator adds it ----
CF
	sed -e "s|/etc/postfix/|$PF/etc/|g" -e "s|lists\.example\.org|lists.test, spare.test|" \
		"$TOP/postfix/main.cf" >> "$PF/etc/main.cf"

	cat > "$PF/etc/master.cf" <<CF
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
# ---- postfix/master.cf, as an operator adds it ----
CF
	sed -e "s|user=listpipe|user=nobody|" \
	    -e "s|argv=/usr/local/sbin/listpipe |argv=$PF/bin/listpipe -s $PF/bin/sendmail -l $PF/lib/listpipe.log |" \
	    -e "s|/var/lib/listpipe/lists.db|$PF/lib/lists.db|" \
	    -e "s|-m /var/lib/listpipe |-m $PF/lib |" \
	    "$TOP/postfix/master.cf" >> "$PF/etc/master.cf"

	pf_allow_alternate "$PF/etc"
	postmap -c "$PF/etc" "hash:$PF/etc/vmailbox"
	postmap -c "$PF/etc" "hash:$PF/etc/hold_senders"
	postmap -c "$PF/etc" "hash:$PF/etc/listpipe-transport"
}

pf_stop_if_running() {
	if [ -f "$1/queue/pid/master.pid" ] && [ -f "$1/etc/main.cf" ]; then
		postfix -c "$1/etc" stop > /dev/null 2>&1 || true
	fi
}

pf_start() {
	postfix -c "$PF/etc" check
	postfix -c "$PF/etc" start
	for _ in $(seq 50); do
		[ -S "$PF/queue/public/pickup" ] || [ -p "$PF/queue/public/pickup" ] && break
		sleep 0.1
	done
}

pf_stop() {
	pf_stop_if_running "$PF"
}

pf_db() {
	sqlite3 -cmd ".timeout 5000" "$PF/lib/lists.db" "$@"
}

# pf_members ADDR... - mailboxes on members.test (Maildir per address)
pf_members() {
	for a in "$@"; do
		printf '%s members.test/%s/\n' "$a" "${a%@*}" >> "$PF/etc/vmailbox"
	done
	postmap -c "$PF/etc" "hash:$PF/etc/vmailbox"
}

# pf_queue - the queue listing, empty when nothing is queued
pf_queue() {
	postqueue -c "$PF/etc" -p 2>/dev/null | grep -v '^Mail queue is empty' || true
}

# pf_wait_idle [SECONDS] - wait until active and incoming are empty
pf_wait_idle() {
	local limit=${1:-30} n
	for _ in $(seq $((limit * 10))); do
		n=$(find "$PF/queue/incoming" "$PF/queue/active" "$PF/queue/maildrop" -type f 2>/dev/null | wc -l)
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# pf_descendants PID - PID's children, grandchildren ... (not PID)
pf_descendants() {
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			want[root] = 1
			do {
				more = 0
				for (p in parent)
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; more = 1 }
			} while (more)
			for (p in want) if (p != root) print p
		}'
}

# pf_power_cut - as if the power went: the instance's master and every
# process below it (its daemons, pipe(8), listpipe, a sendmail in
# progress) frozen, then killed with SIGKILL; nothing cleans up, nothing
# outside this instance is touched.  pf_start brings it back.
# shellcheck disable=SC2086	# $all: a list of pids, split on purpose
pf_power_cut() {
	local master all
	master=$(tr -d ' ' < "$PF/queue/pid/master.pid" 2>/dev/null)
	[ -n "$master" ] && kill -0 "$master" 2>/dev/null || return 1
	kill -STOP "$master"
	all=$master
	# Freeze until nothing new appears (a child forked meanwhile).
	for _ in 1 2 3; do
		all="$master $(pf_descendants "$master" | tr '\n' ' ')"
		kill -STOP $all 2>/dev/null
	done
	kill -KILL $all 2>/dev/null
	for _ in $(seq 50); do
		kill -0 $all 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 $all 2>/dev/null
}
