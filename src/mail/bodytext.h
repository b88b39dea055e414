/*
 * bodytext.h - the first words of a message's text, for the -request
 * robot, which reads commands from the first body lines.
 */
#ifndef LISTPIPE_BODYTEXT_H
#define LISTPIPE_BODYTEXT_H

#include "mail/spool.h"

/* Only this much of a message is parsed: commands come first, and a big
 * request must not cost memory. */
#define BODYTEXT_MAX (64 * 1024)

/*
 * bodytext_first - the decoded UTF-8 text of the first text/plain part
 * (the message itself when it is not multipart) within the first
 * BODYTEXT_MAX bytes, newlines as "\n"; NULL when there is none.
 * g_free() it.
 */
char   *bodytext_first(const struct spool *sp);

#endif
