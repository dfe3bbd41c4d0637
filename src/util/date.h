/* date — calendar dates as the users live them (China Standard Time,
 * UTC+8, no daylight saving), as YYYY-MM-DD text. */
#ifndef GUANAI_DATE_H
#define GUANAI_DATE_H

#include <stdint.h>

/* The date in China at unix time `t`. */
void date_of(int64_t t, char out[11]);

/* The unix time at which `date` (YYYY-MM-DD, a real day) begins in
 * China; -1 for a malformed or impossible date. */
int64_t date_start(const char *date);

/* Unix time `t` as the API writes an instant: UTC, ISO 8601
 * ("2018-08-30T01:02:03Z"). */
void date_instant(int64_t t, char out[21]);

/* The date `days` days before `date` (YYYY-MM-DD); out may be `date`.
 * Returns -1 for a malformed date. */
int date_minus_days(const char *date, int days, char out[11]);

/* The threshold for "age in whole years at `date` is below n": a child
 * born on B is younger than n at `date` exactly when B > out, comparing
 * YYYY-MM-DD text.  `out` keeps the month and day of `date` with the year
 * n earlier; it may name 29 February of a common year, which still
 * compares right (a child born that day turns n on 1 March). */
void date_years_before(const char *date, int n, char out[11]);

/* The days of quarter `code` ("2018Q3"): first and last.  -1 for a code
 * that is no quarter. */
int date_quarter(const char *code, char start[11], char end[11]);
/* The quarter holding `date`, e.g. "2026Q4". */
void date_quarter_of(const char *date, char out[8]);

/* The last second of `date` (YYYY-MM-DD, assumed valid) in China, as unix
 * time: what was recorded by the end of that day has a time <= it. */
int64_t date_day_end(const char *date);

#endif
