/*
 * dkim.c - read the h= tags of DKIM-Signature fields.
 *
 * The tag list is parsed as RFC 6376 3.2 writes it: tag=value pairs
 * separated by ';', folding white space allowed around names, '=' and
 * values; a tag given twice makes the signature invalid.  A field that
 * does not look like a signature is not counted: it protects nothing,
 * and a broken one must not freeze the list's headers either.
 */
#include <string.h>

#include <glib.h>

#include "mail/dkim.h"

/* Names a signature must carry (RFC 6376 3.5: REQUIRED). */
static const char *const required[] = {"v", "a", "b", "bh", "d", "h", "s",
				       NULL};

static int is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* trim - strip folding white space at both ends, in place */
static char *trim(char *s)
{
	char   *end;

	while (is_wsp(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_wsp(end[-1]))
		*--end = 0;
	return s;
}

/* field_name_ok - RFC 5322 ftext: printable ASCII except ':' */
static int field_name_ok(const char *s)
{
	if (*s == 0)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 33 || (unsigned char)*s > 126 || *s == ':')
			return 0;
	return 1;
}

/* tag_name_ok - ALPHA *(ALPHA / DIGIT / "_") */
static int tag_name_ok(const char *s)
{
	if (!g_ascii_isalpha(*s))
		return 0;
	for (s++; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_')
			return 0;
	return 1;
}

char **dkim_signature_names(const char *raw_value, char **domain)
{
	char   *copy = g_strdup(raw_value);
	char  **tags = g_strsplit(copy, ";", -1);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	const char *h = NULL, *d = NULL, *v = NULL;
	char  **names = NULL;
	int	ok = 1;

	for (char **t = tags; ok && *t; t++) {
		char   *eq = strchr(*t, '=');
		char   *name, *value;

		if (eq == NULL) {
			/* Only an empty tag (a trailing ';') may lack '='. */
			if (*trim(*t))
				ok = 0;
			continue;
		}
		*eq = 0;
		name = trim(*t);
		value = trim(eq + 1);
		if (!tag_name_ok(name) || g_hash_table_contains(seen, name)) {
			ok = 0;
			continue;
		}
		g_hash_table_add(seen, name);
		if (strcmp(name, "h") == 0)
			h = value;
		else if (strcmp(name, "d") == 0)
			d = value;
		else if (strcmp(name, "v") == 0)
			v = value;
		else if ((strcmp(name, "b") == 0 || strcmp(name, "bh") == 0
			  || strcmp(name, "a") == 0 || strcmp(name, "s") == 0)
			 && *value == 0)
			ok = 0;
	}
	for (int i = 0; ok && required[i]; i++)
		if (!g_hash_table_contains(seen, required[i]))
			ok = 0;
	if (ok && (strcmp(v, "1") != 0 || *d == 0 || *h == 0))
		ok = 0;
	if (ok) {
		int	from = 0;

		names = g_strsplit(h, ":", -1);
		for (char **n = names; ok && *n; n++) {
			char   *t = trim(*n);

			memmove(*n, t, strlen(t) + 1);
			if (!field_name_ok(*n))
				ok = 0;
			for (char *p = *n; *p; p++)
				*p = g_ascii_tolower(*p);
			if (strcmp(*n, "from") == 0)
				from = 1;
		}
		/* RFC 6376 5.4: From MUST be signed. */
		if (!from)
			ok = 0;
		if (!ok) {
			g_strfreev(names);
			names = NULL;
		} else if (domain) {
			*domain = g_ascii_strdown(d, -1);
		}
	}
	g_hash_table_destroy(seen);
	g_strfreev(tags);
	g_free(copy);
	return names;
}

/* A set of header names in any ASCII case: a hostile message may list
 * a hundred thousand names, so neither reading nor asking may be
 * quadratic. */
static guint name_hash(gconstpointer key)
{
	guint32	h = 2166136261u;	/* FNV-1a over the lower case */

	for (const char *s = key; *s; s++)
		h = (h ^ (guchar)g_ascii_tolower(*s)) * 16777619u;
	return h;
}

static gboolean name_equal(gconstpointer a, gconstpointer b)
{
	return g_ascii_strcasecmp(a, b) == 0;
}

void dkim_cover_read(const struct headers *hd, struct dkim_cover *c)
{
	GString *domains = g_string_new("");

	memset(c, 0, sizeof(*c));
	c->names = g_hash_table_new_full(name_hash, name_equal, g_free, NULL);
	for (int i = headers_find(hd, "DKIM-Signature", 0); i >= 0;
	     i = headers_find(hd, "DKIM-Signature", i + 1)) {
		char   *domain = NULL;
		char  **these = dkim_signature_names(hd->fields[i].raw_value,
						     &domain);

		if (these == NULL) {
			c->malformed++;
			continue;
		}
		c->signatures++;
		g_string_append_printf(domains, "%s%s", domains->len ? " " : "",
				       domain);
		g_free(domain);
		for (char **n = these; *n; n++)
			if (!g_hash_table_contains(c->names, *n))
				g_hash_table_add(c->names, g_strdup(*n));
		g_strfreev(these);
	}
	c->domains = g_string_free(domains, FALSE);
}

int dkim_covers(const struct dkim_cover *c, const char *name)
{
	return c && c->names && g_hash_table_contains(c->names, name);
}

void dkim_cover_free(struct dkim_cover *c)
{
	if (c->names)
		g_hash_table_destroy(c->names);
	g_free(c->domains);
	memset(c, 0, sizeof(*c));
}
