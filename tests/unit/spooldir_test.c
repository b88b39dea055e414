/*
 * spooldir_test.c - the spool directory's rules: who may write in it, and
 * which names may be directories below it.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/spooldir.h"
#include "testlib.h"

Test(spooldir, writable_by_others_is_refused_naming_who)
{
	struct tdir t;
	struct status st;
	int	fd;

	tdir_make(&t);
	cr_assert_eq(spooldir_open(t.spool, &fd, &st), 0, "%s", st.reason);
	close(fd);
	chmod(t.spool, 0757);
	cr_expect_eq(spooldir_open(t.spool, &fd, &st), -1);
	cr_expect_str_eq(st.dsn, "4.3.5");
	cr_expect(strstr(st.reason, "writable by everyone (mode 757)"), "%s",
		  st.reason);
	cr_expect_eq(fd, -1);
	cr_expect(spooldir_name_ok("team@lists.example.org"));
	cr_expect(!spooldir_name_ok(".hidden"));
	cr_expect(!spooldir_name_ok("a/b"));
	cr_expect(!spooldir_name_ok(""));
}
