/* childpdf — the printable 儿童档案表 of one child (SPEC §9). */
#ifndef GUANAI_CHILDPDF_H
#define GUANAI_CHILDPDF_H

#include <stddef.h>

#include "domain/children/childrec.h"
#include "domain/core/exportmark.h"

/* The record form as PDF bytes (malloc'd, caller frees), with ID and phone
 * numbers masked as the actor's role requires (privacy.h) and `mark` on
 * every page.  The read is audited like any full read.  *filename
 * receives a suggested file name.
 * Errors: as childrec_get, and ERR_INTERNAL "pdf_render". */
int childpdf_record(store *s, const actor *who, int64_t id,
		    const exportmark *mark, char **bytes, size_t *len,
		    char filename[128], err *e);

#endif
