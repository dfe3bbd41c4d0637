#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buildinfo.h" /* GUANAI_VERSION, written by the Makefile */
#include "domain/core/audit.h"
#include "domain/core/throttle.h"
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
	int first = 1;
	pthread_mutex_lock(&a->mu);
	while (!a->stopping) {
		pthread_mutex_unlock(&a->mu);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		store *s = store_pool_get(a->pool);
		err e;
		int failed = 0;
		/* What the tally counted during the tick just ended (at the
		 * first pass, as the server starts, nothing yet): one write
		 * per tick, whatever else this pass has to do. */
		err_clear(&e);
		if (!first &&
		    audit_tally_flush(a->tally, s, app_now(a), NULL, &e) != 0) {
			log_error("audit tally: %s", e.msg);
			failed = 1;
		}
		first = 0;
		for (int j = 0; j < a->njobs; j++) {
			err_clear(&e);
			if (a->jobs[j].run(s, app_now(a), &e) != 0) {
				log_error("%s: %s", a->jobs[j].name, e.msg);
				failed = 1;
			}
		}
		/* Spent failure counters go by the wall clock: a server whose
		 * clock a test has moved days ahead shares the database with
		 * others and must not delete their live counters. */
		err_clear(&e);
		if (throttle_purge(s, (int64_t)time(NULL), &e) != 0)
			log_error("throttle: %s", e.msg);
		store_pool_put(a->pool, s);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		int64_t us = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000 +
			     (t1.tv_nsec - t0.tv_nsec) / 1000;
		hist_observe(&a->sched_time, us > 0 ? (uint64_t)us : 0);
		atomic_fetch_add(failed ? &a->sched_failed : &a->sched_ok, 1);
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
	if (rc == 0)
		rc = audit_key_bind(s, a->audit_key_path, AUDIT_KEY_USE,
				    &a->akey, NULL, e);
	if (rc == 0 && (rc = account_cfg_init(&a->acfg, e)) == 0 &&
	    (rc = account_cfg_load(&a->acfg, s, e)) != 0)
		account_cfg_free(&a->acfg);
	store_close(s);
	if (rc) {
		audit_key_free(a->akey);
		a->akey = NULL;
		return rc;
	}
	a->db_url = db_url;
	a->threads = threads;
	const char *off = getenv("GUANAI_CLOCK_OFFSET");
	a->clock_offset = off ? strtoll(off, NULL, 10) : 0;
	if ((rc = store_pool_new(db_url, threads, &a->pool, e))) {
		account_cfg_free(&a->acfg);
		audit_key_free(a->akey);
		a->akey = NULL;
		return rc;
	}
	store_pool_set_audit_key(a->pool, a->akey);
	a->tally = audit_tally_new();
	return 0;
}

void app_close(app *a)
{
	if (a->tally && a->pool) {
		store *s = store_pool_get(a->pool);
		err e;
		err_clear(&e);
		if (audit_tally_flush(a->tally, s, app_now(a), NULL, &e) != 0)
			log_error("audit tally: %s", e.msg);
		store_pool_put(a->pool, s);
	}
	audit_tally_free(a->tally);
	a->tally = NULL;
	store_pool_free(a->pool);
	a->pool = NULL;
	account_cfg_free(&a->acfg);
	audit_key_free(a->akey);
	a->akey = NULL;
}
