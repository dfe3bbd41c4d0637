#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 5, 0))) static void
err_fill(err *e, int code, const char *key, const char *field, const char *fmt,
	 va_list ap)
{
	e->code = code;
	e->out_of_scope = 0;
	e->scope_region[0] = '\0';
	snprintf(e->key, sizeof e->key, "%s", key);
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	e->retry_after = 0;
}

int err_set(err *e, int code, const char *key, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		err_fill(e, code, key, NULL, fmt, ap);
		va_end(ap);
	}
	return code;
}

int err_field(err *e, int code, const char *key, const char *field,
	      const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		err_fill(e, code, key, field, fmt, ap);
		va_end(ap);
	}
	return code;
}

int err_out_of_scope(err *e, const char *region, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		err_fill(e, ERR_NOTFOUND, "not_found", NULL, fmt, ap);
		va_end(ap);
		e->out_of_scope = 1;
		snprintf(e->scope_region, sizeof e->scope_region, "%s",
			 region ? region : "");
	}
	return ERR_NOTFOUND;
}

void err_clear(err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}
