/* childrec_exit — confirming a record's derived categories (SPEC §4.4),
 * and its exit (退出): a version like any other, nothing deleted. */
#ifndef GUANAI_CHILDREC_EXIT_H
#define GUANAI_CHILDREC_EXIT_H

#include <jansson.h>

#include "domain/children/childrec.h"

/* Confirms the derived categories as they stand now (SPEC §4.4). */
int childrec_confirm(store *s, const actor *who, int64_t id, json_t **out,
		     err *e);

/* Exit (退出): reason aged_out, parents_returned, moved_away, died or
 * other; date YYYY-MM-DD not in the future; note required for other.
 * aged_out only for a child childrec_exit_due says is due (409
 * not_aged_out otherwise): age is a fact the record holds, not a choice. */
int childrec_exit(store *s, const actor *who, int64_t id, const char *reason,
		  const char *date, const char *note, json_t **out, err *e);

/* Whether a child is due to leave by age on `today`: 18 or older, or 16
 * or older with no category left (left_behind lapses at 16, every other
 * category at 18).  Returns the Chinese reason, or NULL when not due. */
const char *childrec_exit_due(const child *c, const char *today);

/* Active records in scope that childrec_exit_due says are due, oldest
 * first: the page at `offset` (at most `limit`) and the total, as
 * {"items","total"}.  Every due child is counted, however many. */
int childrec_exit_proposals(store *s, const actor *who, int64_t offset,
			    int limit, json_t **out, err *e);

#endif
