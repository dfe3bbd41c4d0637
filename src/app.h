/* app — the one application context, made in main and passed down.
 * Holds configuration and the shared store pool; no module keeps state of
 * its own elsewhere. */
#ifndef GUANAI_APP_H
#define GUANAI_APP_H

#include <pthread.h>
#include <stdint.h>

#include "domain/core/account.h"
#include "domain/core/audit.h"
#include "domain/core/audit_tally.h"
#include "store/store.h"
#include "util/hist.h"

/* A feature's upkeep the scheduler runs every tick, with a connection of
 * the pool and the application's time (app_now): 0, or an error it
 * logs.  The features' jobs are given by whoever starts the server
 * (cli.c), so that app knows no feature. */
typedef struct app_job {
	const char *name;	/* in the log */
	int (*run)(store *s, int64_t now, err *e);
} app_job;

typedef struct app {
	const char *db_url;
	const char *web_dir;	/* built UI (web/dist); NULL: none, API only */
	/* The audit key file (audit_key_bind); NULL when none can be named
	 * (PostgreSQL without --audit-key). */
	const char *audit_key_path;
	audit_key *akey;	/* attached to every connection of the pool */
	/* Denied requests, searches and reads of history and visits,
	 * counted and written to the audit log each tick (audit_tally.h). */
	audit_tally *tally;
	store_pool *pool;
	account_cfg acfg;
	int threads;
	/* Added to the wall clock: lets a test move time forward
	 * (GUANAI_CLOCK_OFFSET, seconds); 0 in production. */
	int64_t clock_offset;
	/* serve --clock-file: a file holding that offset, read on every
	 * app_now, so a test moves the clock of a running server. */
	const char *clock_file;
	/* serve --public-url: the address users reach the UI at, printed in
	 * the QR code of certificates; NULL: taken from the request's Host. */
	const char *public_url;
	/* serve --max-conn-per-ip: connections one client address may hold
	 * at once (0: no limit).  It does not apply to the trusted proxies
	 * below, whose one address stands for all their users. */
	unsigned max_conn_per_ip;
	/* serve --metrics-token: a caller with `Authorization: Bearer` it
	 * may read /metrics from anywhere; NULL: from loopback only. */
	const char *metrics_token;
	/* serve --trusted-proxy: the addresses whose X-Forwarded-For and
	 * X-Forwarded-Proto are believed (comma-separated); NULL: loopback
	 * only, where a reverse proxy on the same machine connects from. */
	const char *trusted_proxies;
	/* The answer of GET /api/v1/codes, made once when serving starts
	 * (api_codes_prepare): the code tables do not change while the
	 * process lives.  Opaque here: app knows no feature. */
	struct api_codes *codes;
	/* The scheduler: every `tick` s, the audit tally written, spent
	 * failure counters purged, and each of `jobs` run. */
	int tick;
	const app_job *jobs;
	int njobs;
	int stopping;
	pthread_t scheduler;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int scheduler_running;
	/* The scheduler's ticks, for /metrics: how many ended well and how
	 * many with an error, and how long each took. */
	_Atomic uint64_t sched_ok, sched_failed;
	hist sched_time;
} app;

/* The program's version, e.g. "0.1.0+g40989d2" (the Makefile's VERSION:
 * git describe, or the release number). */
const char *app_version(void);

/* The current time as the application sees it (unix seconds). */
int64_t app_now(const app *a);

/* Opens the store pool and prepares the account settings.  Migrates the
 * schema first, then binds the audit key at a->audit_key_path
 * (audit_key_bind, AUDIT_KEY_USE): a database whose audit log is keyed
 * is not served without its key.  Errors: ERR_STORE, ERR_INTERNAL, those
 * of audit_key_bind. */
int app_open(app *a, const char *db_url, int threads, err *e);
/* Writes what the tally holds, then closes the pool and frees the key. */
void app_close(app *a);

/* Starts and stops the background scheduler.  Its jobs keep their state
 * in the database, so that a restart picks up where it left off and two
 * servers on one database do nothing twice. */
int app_scheduler_start(app *a, err *e);
void app_scheduler_stop(app *a);

#endif
