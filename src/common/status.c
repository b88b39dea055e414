/*
 * status.c - fill a struct status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/status.h"

static int vstatus_set(struct status *st, enum outcome outcome,
		       const char *dsn, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int vstatus_set(struct status *st, enum outcome outcome,
		       const char *dsn, const char *fmt, va_list ap)
{
	st->outcome = outcome;
	st->dsn[0] = 0;
	if (dsn && strlen(dsn) < sizeof(st->dsn))
		memcpy(st->dsn, dsn, strlen(dsn) + 1);
	/* A truncated reason is still a reason: no check needed beyond >= 0. */
	if (vsnprintf(st->reason, sizeof(st->reason), fmt, ap) < 0)
		memcpy(st->reason, "unknown error", sizeof("unknown error"));
	return -1;
}

int status_set(struct status *st, enum outcome outcome, const char *dsn,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstatus_set(st, outcome, dsn, fmt, ap);
	va_end(ap);
	return -1;
}

int status_temp(struct status *st, const char *dsn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstatus_set(st, OUTCOME_TEMP, dsn, fmt, ap);
	va_end(ap);
	return -1;
}

const char *errno_dsn(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG ? "4.3.1"
							      : "4.3.0";
}

void status_ok(struct status *st)
{
	st->outcome = OUTCOME_OK;
	st->dsn[0] = 0;
	st->reason[0] = 0;
}
