#include "domain/core/privacy.h"

#include <stdio.h>
#include <string.h>

#include "domain/core/idcard.h"
#include "domain/core/perm.h"

int privacy_full(const actor *who, privacy_answer where)
{
	/* Every kind of answer alike (see the header). */
	(void)where;
	return perm_allows(who, PERM_IDENTITY_READ);
}

int privacy_id_full(const actor *who, privacy_answer where)
{
	return where != PRIVACY_LIST && privacy_full(who, where);
}

void privacy_mask_id(const char *id, char out[19])
{
	idcard_mask(id, out);
}

void privacy_mask_phone(const char *in, char *out, size_t n)
{
	size_t len = in ? strlen(in) : 0;
	if (len == 0)
		snprintf(out, n, "%s", "");
	else if (len < 7)
		snprintf(out, n, "%s", "****");
	else
		snprintf(out, n, "%.3s****%s", in, in + len - 4);
}

int privacy_hidden_field(const char *field)
{
	/* By the last part of the path: "father.id_number", "phone",
	 * "guardian.phone", "disability.certificate_no". */
	const char *leaf = strrchr(field, '.');
	leaf = leaf ? leaf + 1 : field;
	return strcmp(leaf, "id_number") == 0 || strstr(leaf, "phone") ||
	       strcmp(leaf, "birth_date") == 0 ||
	       strcmp(leaf, "certificate_no") == 0;
}
