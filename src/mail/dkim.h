/*
 * dkim.h - which header fields the message's DKIM signatures cover.
 *
 * A list copy keeps the author's body byte for byte; if it also leaves
 * alone every header field a signature names in its h= tag, the
 * signature still verifies at the members' servers and DMARC passes
 * without touching From.  h= names count whether the message holds such
 * a field or not: a name listed for an absent field (or listed once
 * more than the fields present, "oversigning") asserts that no such
 * field is added.  Nothing here verifies a signature (that needs DNS
 * and the key); a field merely has to look like a signature (RFC 6376
 * 3.5: v=1 and the required tags, h= naming From).
 */
#ifndef LISTPIPE_DKIM_H
#define LISTPIPE_DKIM_H

#include <glib.h>

#include "mail/headers.h"

struct dkim_cover {
	GHashTable *names;	/* the names, compared in any case */
	int	signatures;	/* DKIM-Signature fields that look valid */
	int	malformed;	/* ones that do not (not counted) */
	char   *domains;	/* "example.com esp.example": their d= tags */
};

/* dkim_cover_read - the names every valid-looking signature covers */
void	dkim_cover_read(const struct headers *hd, struct dkim_cover *c);

/* dkim_covers - does any signature cover a field called name (any case)? */
int	dkim_covers(const struct dkim_cover *c, const char *name);

/*
 * dkim_signature_names - the h= names of one DKIM-Signature value (raw,
 * folded), lower case, into a NULL-terminated array to g_strfreev(), and
 * its d= into *domain (g_free); NULL when it does not look valid.
 */
char  **dkim_signature_names(const char *raw_value, char **domain);

void	dkim_cover_free(struct dkim_cover *c);

#endif
