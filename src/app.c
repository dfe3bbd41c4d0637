#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/audit.h"
#include "buildinfo.h" /* GUANAI_VERSION, written by the Makefile */
#include "domain/case.h"
#include "domain/idem.h"
#include "domain/stats.h"
#include "domain/throttle.h"
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
		int moved = 0, failed = 0;
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
		err_clear(&e);
		if (case_escalate_due(s, app_now(a), &moved, &e) != 0) {
			log_error("escalation: %s", e.msg);
			failed = 1;
		} else if (moved) {
			log_info("escalation: %d report(s) moved up a level",
				 moved);
		}
		/* Keep the dashboard's village figures current (a new day
		 * makes every village stale: ages and quarters move on). */
		int fresh = 0;
		err_clear(&e);
		if (stats_refresh(s, "1", ":", app_now(a), &fresh, &e) != 0) {
			log_error("statistics: %s", e.msg);
			failed = 1;
		} else if (fresh > 64) {
			log_info("statistics: %d village(s) recomputed", fresh);
		}
		/* Spent failure counters go by the wall clock: a server whose
		 * clock a test has moved days ahead shares the database with
		 * others and must not delete their live counters. */
		err_clear(&e);
		if (throttle_purge(s, (int64_t)time(NULL), &e) != 0)
			log_error("throttle: %s", e.msg);
		/* Answers kept for Idempotency-Keys live a day. */
		err_clear(&e);
		if (idem_purge(s, (int64_t)time(NULL), NULL, &e) != 0)
			log_error("idempotency: %s", e.msg);
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
