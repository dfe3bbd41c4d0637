#include "app.h"

#include <stdlib.h>
#include <time.h>

int64_t app_now(const app *a)
{
	return (int64_t)time(NULL) + a->clock_offset;
}

int app_open(app *a, const char *db_url, int threads, err *e)
{
	store *s;
	int rc = store_open(db_url, &s, e);
	if (rc)
		return rc;
	rc = store_migrate(s, e);
	store_close(s);
	if (rc)
		return rc;
	a->db_url = db_url;
	a->threads = threads;
	const char *off = getenv("GUANAI_CLOCK_OFFSET");
	a->clock_offset = off ? strtoll(off, NULL, 10) : 0;
	if ((rc = account_cfg_init(&a->acfg, e)))
		return rc;
	return store_pool_new(db_url, threads, &a->pool, e);
}

void app_close(app *a)
{
	store_pool_free(a->pool);
	a->pool = NULL;
}
