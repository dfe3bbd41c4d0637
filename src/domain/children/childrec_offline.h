/* childrec_offline — the copy of a village director's records for its
 * phone (issue #23, docs/OFFLINE.md): every active record of the
 * village and the last visits of each, read in one snapshot and audited
 * once as a read of them all (SPEC §10). */
#ifndef GUANAI_CHILDREC_OFFLINE_H
#define GUANAI_CHILDREC_OFFLINE_H

#include <stddef.h>

#include "domain/core/actor.h"
#include "store/store.h"
#include "util/err.h"

/* The copy of the caller's records for its phone (docs/API.md
 * "Offline"), as JSON text (caller frees): {"as_of","region_code",
 * "visitor","items":[record as childrec_get_text gives it],"visits":
 * [{"child_id","visit_date","visitor","met","risk_level"} — the last
 * CHILDREC_OFFLINE_VISITS of each]}.  `visitor` is the name the visit
 * form starts with: the director in post in the caller's village, else
 * the account's display name.  The read is audited once
 * (child_offline_sync, with the count).  Errors: ERR_FORBIDDEN without
 * child.offline, ERR_TOOBIG "too_many_records" past CHILDREC_OFFLINE_MAX
 * active records. */
enum { CHILDREC_OFFLINE_MAX = 1000, CHILDREC_OFFLINE_VISITS = 5 };
int childrec_offline_text(store *s, const actor *who, char **text,
			  size_t *len, err *e);

#endif
