#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buildinfo.h" /* GUANAI_VERSION, written by the Makefile */
#include "domain/case.h"
#include "domain/stats.h"
#include "util/log.h"

const char *app_version(void)
{
	return GUANAI_VERSION;
}

int64_t app_now(const app *a)
{
	int64_t off = a->clock_offset;
	if (a->clock_file) {
		FILE *f = fopen(a->clock_file, "r");
		long long v;
		if (f) {
			if (fscanf(f, "%lld", &v) == 1)
				off = v;
			fclose(f);
		}
	}
	return (int64_t)time(NULL) + off;
}

static void *scheduler_main(void *arg)
{
	app *a = arg;
	pthread_mutex_lock(&a->mu);
	while (!a->stopping) {
		pthread_mutex_unlock(&a->mu);
		store *s = store_pool_get(a->pool);
		err e;
		int moved = 0;
		err_clear(&e);
		if (case_escalate_due(s, app_now(a), &moved, &e) != 0)
			log_error("escalation: %s", e.msg);
		else if (moved)
			log_info("escalation: %d report(s) moved up a level",
				 moved);
		/* Keep the dashboard's village figures current (a new day
		 * makes every village stale: ages and quarters move on). */
		int fresh = 0;
		err_clear(&e);
		if (stats_refresh(s, "1", ":", app_now(a), &fresh, &e) != 0)
			log_error("statistics: %s", e.msg);
		else if (fresh > 64)
			log_info("statistics: %d village(s) recomputed", fresh);
		store_pool_put(a->pool, s);
		pthread_mutex_lock(&a->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += a->tick;
		while (!a->stopping &&
		       pthread_cond_timedwait(&a->cv, &a->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

int app_scheduler_start(app *a, err *e)
{
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->stopping = 0;
	if (a->tick <= 0)
		a->tick = 60;
	if (pthread_create(&a->scheduler, NULL, scheduler_main, a) != 0)
		return err_set(e, ERR_INTERNAL, "internal", "无法启动后台任务");
	a->scheduler_running = 1;
	return 0;
}

void app_scheduler_stop(app *a)
{
	if (!a->scheduler_running)
		return;
	pthread_mutex_lock(&a->mu);
	a->stopping = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->scheduler, NULL);
	a->scheduler_running = 0;
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
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
