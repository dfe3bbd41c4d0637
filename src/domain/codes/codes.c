#include "domain/codes/codes.h"

#include "domain/cases/case_codes.h"
#include "domain/children/child_codes.h"
#include "domain/children/classify.h"
#include "domain/core/account.h"
#include "domain/core/audit.h"
#include "domain/core/region.h"
#include "domain/exports/exportreq.h"
#include "domain/figures/report.h"
#include "domain/platforms/platform.h"
#include "domain/quarterly/quality.h"
#include "domain/women/women.h"
#include "domain/workforce/campaign.h"
#include "domain/workforce/cert.h"
#include "domain/workforce/staff.h"
#include "domain/workforce/training.h"

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
	staff_codes_json(out);	/* workforce/: staff, training, cert, campaign */
	training_codes_json(out);
	cert_codes_json(out);
	campaign_codes_json(out);
	platform_codes_json(out);
	case_codes_json(out);
	quality_codes_json(out);
	women_codes_json(out);
	exportreq_codes_json(out);
	report_codes_json(out);
	audit_codes_json(out);
	return out;
}
