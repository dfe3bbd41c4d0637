#include "domain/children/child_quality.h"

#include <stdio.h>
#include <string.h>

#include "domain/core/idcard.h"
#include "util/text.h"

static int bad_phone(const char *p)
{
	return *p && !child_phone_valid(p);
}

unsigned child_quality_flags(const child *c)
{
	unsigned q = 0;
	if (!c->guardian.present || !*c->guardian.name ||
	    !*c->guardian.relationship || !*c->guardian.phone)
		q |= QF_Q01;
	if ((c->education == EDU_OUT_OF_SCHOOL ||
	     c->education == EDU_DROPPED_OUT) &&
	    !text_valid_text(c->dropout_explanation, 2, 150))
		q |= QF_Q02;
	if (*c->id_number) {
		int digits = strlen(c->id_number) == 18;
		for (int i = 0; i < 17 && digits; i++)
			digits = c->id_number[i] >= '0' && c->id_number[i] <= '9';
		char first[18], birth[11];
		snprintf(first, sizeof first, "%.17s", c->id_number);
		if (!digits || idcard_check_char(first) != c->id_number[17])
			q |= QF_Q03;
		if (idcard_birth(c->id_number, birth) != 0 ||
		    strcmp(birth, c->birth_date) ||
		    idcard_sex(c->id_number) != c->sex)
			q |= QF_Q04;
	}
	if (!*c->father.name || !c->father.status || !*c->mother.name ||
	    !c->mother.status)
		q |= QF_Q07;
	if (bad_phone(c->contact_phone) || bad_phone(c->father.phone) ||
	    bad_phone(c->mother.phone) || bad_phone(c->guardian.phone))
		q |= QF_Q10;
	return q;
}
