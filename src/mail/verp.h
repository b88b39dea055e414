/*
 * verp.h - the member a VERP bounce address names.
 *
 * List copies leave with `sendmail -V` (inject.h), so Postfix gives the
 * copy for alice@example.net the envelope sender
 *
 *     team-bounces+alice=example.net@lists.example.org
 *
 * (default_verp_delimiters "+=").  Whatever comes back to that address
 * is about alice, however the report itself names the recipient after
 * forwarding, SRS or aliasing: the address decides who the member is.
 *
 * Decoding is exact rather than clever: the extension is everything
 * between "team-bounces+" and the last '@', and the member's '@' is the
 * extension's last '=' (a domain never holds '=', a local part may hold
 * both '+' and '=').  A quoted local part ("team-bounces+a b=x"@...) is
 * unquoted first.  What does not decode to an address that could be a
 * member row (address_check_member) is refused with a reason, never
 * guessed at.
 */
#ifndef LISTPIPE_VERP_H
#define LISTPIPE_VERP_H

#include <stddef.h>

/*
 * verp_decode - the member address in recipient, a bounce address of the
 * list whose plain bounce address is bounces (local-bounces@domain),
 * lower-cased into out.  1: decoded; 0: recipient is the plain bounce
 * address (no extension); -1: an extension that names no usable address
 * or a recipient that is not this list's bounce address, with *why.
 */
int	verp_decode(const char *recipient, const char *bounces, char *out,
		    size_t size, const char **why);

#endif
