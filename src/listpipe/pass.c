/*
 * pass.c - an address in no list's domain, with -p: passed on unchanged.
 *
 * Mail passed on gets one trace field on top, as Postfix's Delivered-To
 * but of our own (a final delivery agent acts on Delivered-To): should
 * Postfix route it back to us for the same recipient, it is deferred
 * instead of going round until the hop limit bounces it.
 */
#include <glib.h>

#include "common/log.h"
#include "listpipe/job.h"
#include "mail/field.h"

int deliver_pass(struct job *job, struct target *t, struct status *st)
{
	const struct spool *sp = &job->msg->spool;
	GString *trace;
	int	rc;

	if (headers_raw_has(sp->head, sp->head_len, PASSED_ON_FIELD,
			    t->address))
		return status_temp(st, "4.3.5", "listpipe: <%s>: mail listpipe "
		    "passed on came back to it: Postfix routes this address "
		    "to listpipe again (check transport_maps and "
		    "content_filter)", t->address);
	trace = g_string_new(NULL);
	if (field_append(trace, PASSED_ON_FIELD, t->address, sp->newline) < 0) {
		g_string_free(trace, TRUE);
		return status_temp(st, "4.3.0", "listpipe: internal error: "
				   "cannot write %s", PASSED_ON_FIELD);
	}
	rc = job_inject(job, t, job->cf->sender, trace->str, trace->len,
			message_start(job->msg), st);
	g_string_free(trace, TRUE);
	if (rc < 0)
		return -1;
	log_info("to=<%s>, from=<%s>, passed on, status=sent", t->address,
		 job->cf->sender);
	return 0;
}
