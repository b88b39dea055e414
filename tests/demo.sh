#!/bin/sh
# make demo (until the Postfix end-to-end demo lands): a list with three
# members on the embedded defaults, one post through ./listpipe in dry-run
# mode, showing exactly the sendmail run and the message members would get.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/listpipe-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

db=$work/lists.db
sqlite3 "$db" < "$top/sql/schema.sql" >/dev/null
sqlite3 "$db" "INSERT INTO lists(address, description, subject_prefix)
               VALUES('team@lists.example.org', 'Team talk', '[team]')"
for m in alice@example.net bob@example.net carol@example.com; do
	sqlite3 "$db" "INSERT INTO members(list, address)
	               VALUES('team@lists.example.org', '$m')"
done

echo "== the list (sqlite3 $db 'SELECT * FROM list_summary')"
sqlite3 -header -column "$db" "SELECT * FROM list_summary"
echo
echo "== a post from carol, through listpipe -n (dry run)"
cat > "$work/post.eml" <<'MSG'
From: Carol <carol@example.com>
To: team@lists.example.org
Subject: Grüße from the demo
Message-ID: <demo-1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hello team, this body reaches every member byte for byte.
MSG
"$top/listpipe" -n -d "$db" -q DEMO1 -f carol@example.com -- team@lists.example.org < "$work/post.eml"
echo "== exit status $?: delivered"
echo
echo "== a post to a list that does not exist"
set +e
"$top/listpipe" -n -d "$db" -l /dev/null -f carol@example.com -- taem@lists.example.org < "$work/post.eml"
echo "== exit status $? (EX_NOUSER): Postfix bounces it"
