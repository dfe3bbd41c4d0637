/* childxlsx_export — a list of children's records as .xlsx, marked and
 * audited like every export. */
#ifndef GUANAI_CHILDXLSX_EXPORT_H
#define GUANAI_CHILDXLSX_EXPORT_H

#include <stddef.h>

#include "domain/children/childrec_list.h"
#include "domain/core/exportmark.h"

/* The list `q` (all pages, up to CHILDXLSX_EXPORT_MAX rows) as .xlsx, with
 * the region path, filters and date in the header and `mark` on it;
 * audited.  Whole identities in more rows than the threshold need the
 * mark of an approved request (exportmark_check).  *filename receives a
 * suggested Chinese file name.  Errors: the list's, ERR_TOOBIG
 * "export_too_big", ERR_FORBIDDEN "export_approval_required". */
enum { CHILDXLSX_EXPORT_MAX = 200000 };
int childxlsx_export(store *s, const actor *who, const childrec_query *q,
		     const exportmark *mark, char **bytes, size_t *len,
		     char filename[128], err *e);

#endif
