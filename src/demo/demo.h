/* demo — a deterministic generator of realistic children's records, so
 * that a new installation shows a living county on its first start and
 * benchmarks have a province-sized data set to work on.
 *
 * The same seed, region and count give the same records every time
 * (names, valid ID numbers with the real county codes of the villages,
 * parents' situations in plausible proportions, guardians, visits), apart
 * from the creation timestamps.  Every record passes child_validate. */
#ifndef GUANAI_DEMO_H
#define GUANAI_DEMO_H

#include <stdint.h>

#include "domain/core/actor.h"
#include "store/store.h"

/* Adds `n` children spread over the villages under `region_code`, with
 * visits, in batches of one transaction each.  One audit entry records
 * the run.  `progress` (may be NULL) is called after each batch.
 * Errors: ERR_INVALID (region has no villages), ERR_STORE. */
int demo_children(store *s, const actor *who, const char *region_code,
		  long n, uint64_t seed, void (*progress)(long done, long n),
		  err *e);

/* Writes `n` generated children under `region_code` as a CSV file in the
 * import template's shape (for import benchmarks and tests), with no
 * database writes.  Errors: ERR_INVALID, ERR_STORE, ERR_INTERNAL (file). */
int demo_children_csv(store *s, const actor *who, const char *region_code,
		      long n, uint64_t seed, const char *path, err *e);

/* Puts a 儿童督导员 in every township and a 儿童主任 in most villages under
 * `region_code` (appointed in August 2018), records the 2018 initial
 * training and this year's refresher with results (certificates follow),
 * and adds the notice's two campaigns (staffing by 2018-08-30, first
 * training by 2018-09-30).  Every record goes through the same checks and
 * audit as one entered by hand. */
int demo_workforce(store *s, const actor *who, const char *region_code,
		   uint64_t seed, err *e);

/* Village child counts, 儿童之家 (some regional) and township 儿童活动中心
 * under `region_code` with their 五有 facts — most compliant, some not —
 * and a year of activities.  Needs demo_workforce first (managers). */
int demo_platforms(store *s, const actor *who, const char *region_code,
		   uint64_t seed, err *e);

/* Protection cases about children of `county` over the last four months,
 * at every stage of the chain (a few never accepted, so they escalate and
 * show as overdue), through the same steps as by hand.  Needs children. */
int demo_cases(store *s, const actor *who, const char *county, err *e);

/* The quarterly verification of `county`: the two quarters before the last
 * verified, signed off and approved (frozen: the dashboard's trend), the
 * last one signed off by all but two townships (late), the current one a
 * third verified.  Needs children. */
int demo_quarters(store *s, const actor *who, const char *county, err *e);

/* One to three rural left-behind women in every village under `region_code`
 * (valid women's ID numbers, husbands' work places, employment, skills)
 * and last year's services: guidance, start-up support, screenings (most
 * normal, some abnormal with their follow-up), rights cases.  Through
 * women_create and women_service_add, with their checks and audit. */
int demo_women(store *s, const actor *who, const char *region_code,
	       uint64_t seed, err *e);

#endif
