#include "util/date.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void date_of(int64_t t, char out[11])
{
	/* Asked for the same instant over and over (every row of an import
	 * is checked against the day it started), and gmtime_r takes a
	 * lock: the last answer is kept, per thread. */
	static _Thread_local int64_t last = INT64_MIN;
	static _Thread_local char day[11];
	if (t != last) {
		time_t tt = (time_t)(t + 8 * 3600);
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		last = t;
	}
	memcpy(out, day, sizeof day);
}

int64_t date_start(const char *date)
{
	struct tm tm;
	char back[11];
	memset(&tm, 0, sizeof tm);
	if (!date || strlen(date) != 10 ||
	    sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* 2026-02-30 normalises to March: not a real day */
	struct tm r;
	gmtime_r(&t, &r);
	strftime(back, sizeof back, "%Y-%m-%d", &r);
	if (strcmp(back, date))
		return -1;
	return (int64_t)t - 8 * 3600;
}

void date_instant(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int date_minus_days(const char *date, int days, char out[11])
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!date || sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
			    &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday -= days;
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	struct tm r;
	gmtime_r(&t, &r);
	strftime(out, 11, "%Y-%m-%d", &r);
	return 0;
}

void date_years_before(const char *date, int n, char out[11])
{
	int y = atoi(date);
	snprintf(out, 11, "%04d%.6s", y - n, date + 4);
}

int date_quarter(const char *code, char start[11], char end[11])
{
	static const char *const ends[] = { "03-31", "06-30", "09-30", "12-31" };
	if (!code || strlen(code) != 6 || code[4] != 'Q' || code[5] < '1' ||
	    code[5] > '4')
		return -1;
	for (int i = 0; i < 4; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	int q = code[5] - '1';
	snprintf(start, 11, "%.4s-%02d-01", code, q * 3 + 1);
	snprintf(end, 11, "%.4s-%s", code, ends[q]);
	return 0;
}

void date_quarter_of(const char *date, char out[8])
{
	int m = atoi(date + 5);
	char q = (char)('1' + ((m >= 1 && m <= 12 ? m : 1) - 1) / 3);
	snprintf(out, 8, "%.4sQ%c", date, q);
}

int64_t date_day_end(const char *date)
{
	/* Days from the civil date (H. Hinnant's algorithm), then the
	 * second before the next midnight in China (UTC+8). */
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 +
		       (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
	return (days + 1) * 86400 - 8 * 3600 - 1;
}
