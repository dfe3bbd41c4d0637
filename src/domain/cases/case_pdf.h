/* case_pdf — a case and its whole timeline as a PDF, in Chinese. */
#ifndef GUANAI_CASE_PDF_H
#define GUANAI_CASE_PDF_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "store/store.h"

/* The whole timeline as PDF. */
int case_pdf(store *s, const actor *who, int64_t id, const exportmark *mark,
	     char **bytes, size_t *len, char filename[128], err *e);

#endif
