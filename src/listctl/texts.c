/*
 * texts.c - listctl texts [NAME]: the built-in texts listpipe sends, so
 * that an operator can copy one into the texts table and change it.
 */
#include <string.h>

#include "listctl/ctl.h"
#include "mail/texts.h"

int cmd_texts(struct ctl *ctl, int argc, char **argv)
{
	size_t	n;
	const struct text *t = texts_all(&n);
	int	shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], t[i].name) != 0)
			continue;
		if (argc == 1) {
			ctl_printf(ctl, "%-20s %s", t[i].name, t[i].subject);
		} else {
			/* Printed as it is: the body's newlines are its own. */
			fprintf(ctl->out, "name: %s\nsubject: %s\n\n%s",
				t[i].name, t[i].subject, t[i].body);
		}
		shown++;
	}
	if (argc > 1 && shown == 0) {
		fprintf(stderr, "listctl: no text called %s (listctl texts "
			"lists them)\n", argv[1]);
		return CTL_FAILED;
	}
	return CTL_OK;
}
