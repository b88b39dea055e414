/*
 * text_test.c - the one control-character scrubber.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "common/text.h"

Test(text, every_control_character_and_del_is_replaced)
{
	char	s[] = "a\r\nb\tc\x01\x1f\x7f" "d\xc3\xa9";

	text_scrub(s, strlen(s), ' ');
	cr_expect_str_eq(s, "a  b c   d\xc3\xa9", "8-bit text is not control");
	cr_expect(text_is_clean(s));
	cr_expect(!text_is_clean("a\nb"));
	cr_expect(!text_is_clean("a\x7f"));
}

Test(text, scrub_covers_nul_inside_the_length)
{
	char	s[] = "a\0b";

	text_scrub(s, 3, '?');
	cr_expect_eq(memcmp(s, "a?b", 3), 0);
}
