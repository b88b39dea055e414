/*
 * address.h - envelope addresses as listpipe compares them.
 *
 * Postfix hands us recipients as user@domain, with the case the sender
 * typed unless the pipe flags fold it.  Lists compare addresses without
 * regard to case, so everything is folded here, once, before it meets
 * the database or a sendmail command line.
 */
#ifndef LISTPIPE_ADDRESS_H
#define LISTPIPE_ADDRESS_H

#include <stddef.h>

/* RFC 5321 allows 256 octets for a path; leave room, refuse the rest. */
#define ADDRESS_MAX 512

/* The separator between a local part and its extension, as in Postfix's
 * recipient_delimiter: team-bounces+alice=example.net@lists.example.org */
#define ADDRESS_EXTENSION_DELIMITER '+'

/*
 * address_normalize - strip <> and surrounding blanks, fold ASCII case.
 * Returns 0; or -1 with *why set when the address itself is unusable (too
 * long, control characters); or -2 with *why set when it is not
 * user@domain at all, which from Postfix means a wrong master.cf macro.
 */
int	address_normalize(const char *in, char *out, size_t size,
			  const char **why);

/*
 * address_trim - in without surrounding blanks and angle brackets, case
 * and quoting kept, into out: what goes to sendmail when mail is passed
 * on as it was addressed.  -1 when it does not fit.
 */
int	address_trim(const char *in, char *out, size_t size);

/* address_domain - the part after the last '@' (address is normalised) */
const char *address_domain(const char *address);

/*
 * address_strip_extension - team-bounces+x@dom -> team-bounces@dom into
 * out; returns 1 if there was an extension, 0 if not (out unchanged).
 */
int	address_strip_extension(const char *address, char *out, size_t size);

/* RFC 5321 4.5.3.1: 64 octets of local part, 254 for a whole address
 * as it can appear in a path. */
#define ADDRESS_LOCAL_MAX 64
#define ADDRESS_PATH_MAX 254

/*
 * address_check_member - can this database row go on a sendmail command
 * line as one recipient: one '@' with something on both sides, no blank
 * or control character, within the RFC 5321 lengths.  0, or -1 and *why.
 */
int	address_check_member(const char *address, const char **why);

/* A growing array of normalised addresses (members, owners). */
struct address_list {
	char  **v;
	size_t	n;
	size_t	cap;
};

/* address_list_add - append a copy (GLib allocation: see status.h) */
void	address_list_add(struct address_list *al, const char *address);
void	address_list_free(struct address_list *al);

#endif
