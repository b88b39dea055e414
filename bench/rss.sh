#!/bin/sh
# bench/rss.sh - peak RSS of listpipe for a 1 KB and a 100 MB message,
# through -n (dry run to /dev/null) and through a sendmail that reads
# everything (cat > /dev/null).  Memory must not grow with message size.
# Run as root (it drops to nobody for the real delivery) after "make".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${LISTPIPE_BIN:-$top/listpipe}
work=$(mktemp -d /tmp/listpipe-rss.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"
cd "$work"

python3 - <<'PY'
hdr = b"From: a@example.com\nTo: team@lists.example.org\nSubject: size test\n\n"
open("1k.eml", "wb").write(hdr + b"x" * (1024 - len(hdr) - 1) + b"\n")
chunk = (b"y" * 75 + b"\n") * 1000
with open("100m.eml", "wb") as f:
    f.write(hdr)
    for _ in range(100 * 1024 * 1024 // len(chunk)):
        f.write(chunk)
PY
sqlite3 lists.db < "$top/sql/schema.sql" >/dev/null
sqlite3 lists.db "INSERT INTO lists(address, subject_prefix) VALUES('team@lists.example.org', '[t]');
                  INSERT INTO members(list, address) VALUES('team@lists.example.org', 'a@example.net'),
                                                            ('team@lists.example.org', 'b@example.net')"
printf '#!/bin/sh\ncat > /dev/null\n' > sendmail
chmod 755 sendmail
mkdir spool
as_user=""
if [ "$(id -u)" = 0 ]; then
	chown -R 65534:65534 "$work"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi

rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
printf '%-8s %-22s %12s\n' size path "peak RSS KB"
for f in 1k 100m; do
	# A dry run exits 75 by design ("nothing was delivered").
	/usr/bin/time -v "$bin" -n -d lists.db -m spool -l /dev/null \
		-f a@example.com -- team@lists.example.org < $f.eml > /dev/null 2> t.n \
		|| [ $? = 75 ]
	$as_user /usr/bin/time -v "$bin" -d lists.db -m spool -s "$work/sendmail" \
		-l /dev/null -f a@example.com -- team@lists.example.org < $f.eml 2> t.s
	printf '%-8s %-22s %12s\n' $f "-n (dry run)" "$(rss t.n)" $f "fake sendmail" "$(rss t.s)"
	[ $f = 1k ] && small=$(rss t.s)
	[ $f = 100m ] && big=$(rss t.s)
done
echo "ratio 100 MB / 1 KB through sendmail: $(awk "BEGIN { printf \"%.2f\", $big / $small }")"
