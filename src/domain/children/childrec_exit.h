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
 * other; date YYYY-MM-DD not in the future; note required for other. */
int childrec_exit(store *s, const actor *who, int64_t id, const char *reason,
		  const char *date, const char *note, json_t **out, err *e);

/* Active records in scope whose categories have all lapsed by age, or who
 * are 18 or older: the aged-out exits the system proposes. */
int childrec_exit_proposals(store *s, const actor *who, json_t **out,
			    err *e);

#endif
