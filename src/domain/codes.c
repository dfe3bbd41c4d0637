#include "domain/codes.h"

#include "domain/account.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/child_codes.h"
#include "domain/classify.h"
#include "domain/exportreq.h"
#include "domain/platform.h"
#include "domain/quality.h"
#include "domain/region.h"
#include "domain/report.h"
#include "domain/staff.h"
#include "domain/women.h"

/* The five levels of regions: the API's code, the name in full as forms
 * and headings write it, the short one of messages ("县级"), and the
 * length of their codes. */
static json_t *codes__region_levels(void)
{
	json_t *a = json_array();
	for (int l = REGION_PROVINCE; l <= REGION_VILLAGE; l++)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:i}", "code",
				     region_level_name(l), "label",
				     region_level_title(l), "short",
				     region_level_label(l), "digits",
				     (int)region_code_len(l)));
	return a;
}

json_t *codes_json(void)
{
	json_t *out = json_object();
	child_codes_json(out);
	classify_codes_json(out);	/* reads the child tables above */
	json_object_set_new(out, "region_level", codes__region_levels());
	account_codes_json(out);
	staff_codes_json(out);
	platform_codes_json(out);
	case_codes_json(out);
	quality_codes_json(out);
	women_codes_json(out);
	exportreq_codes_json(out);
	report_codes_json(out);
	audit_codes_json(out);
	return out;
}
