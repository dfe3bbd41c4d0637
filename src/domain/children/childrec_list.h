/* childrec_list — lists and searches of children's records, every filter
 * checked here and carried to the store in the caller's scope. */
#ifndef GUANAI_CHILDREC_LIST_H
#define GUANAI_CHILDREC_LIST_H

#include <jansson.h>

#include "domain/children/childrec.h"
#include "domain/core/privacy.h"

/* Query of a list; strings are raw query parameters (NULL when absent),
 * validated here. */
typedef struct childrec_query {
	const char *region, *category, *flag, *q, *status;
	const char *age_min, *age_max, *not_visited_days;
	const char *sort, *order;
	int no_guardian;	/* only those without an entrusted guardian */
	int64_t offset;
	int limit;
	/* What the rows are for: a list (0, PRIVACY_LIST: ID numbers masked
	 * for every role) or the rows of an export file (PRIVACY_EXPORT:
	 * masked as the role requires), privacy.h */
	privacy_answer kind;
} childrec_query;

/* {"items":[…], "total":N, "as_of":"YYYY-MM-DD"} */
int childrec_list(store *s, const actor *who, const childrec_query *q,
		  json_t **out, err *e);
/* The same answer as JSON text (caller frees): what the API sends,
 * written without building a tree. */
int childrec_list_text(store *s, const actor *who, const childrec_query *q,
		       char **text, size_t *len, err *e);

/* ---- for the other modules of children/ ---- */

/* The page of rows a list query asks for (every filter checked, in the
 * actor's scope), and the total; the caller clears each row and frees
 * *rows. */
int childrec__list_rows(store *s, const actor *who, const childrec_query *q,
			const char *today, child_row **rows, int *nrows,
			int64_t *total, err *e);

#endif
