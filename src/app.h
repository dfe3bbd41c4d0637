/* app — the one application context, made in main and passed down.
 * Holds configuration and the shared store pool; no module keeps state of
 * its own elsewhere. */
#ifndef GUANAI_APP_H
#define GUANAI_APP_H

#include <pthread.h>
#include <stdint.h>

#include "domain/account.h"
#include "store/store.h"

typedef struct app {
	const char *db_url;
	const char *web_dir;	/* built UI (web/dist); NULL: none, API only */
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
	/* The scheduler: escalation of overdue reports every `tick` s. */
	int tick;
	int stopping;
	pthread_t scheduler;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int scheduler_running;
} app;

/* The program's version, e.g. "0.1.0+g40989d2" (the Makefile's VERSION:
 * git describe, or the release number). */
const char *app_version(void);

/* The current time as the application sees it (unix seconds). */
int64_t app_now(const app *a);

/* Opens the store pool and prepares the account settings.  Migrates the
 * schema first.  Errors: ERR_STORE, ERR_INTERNAL. */
int app_open(app *a, const char *db_url, int threads, err *e);
void app_close(app *a);

/* Starts and stops the background scheduler (escalation of reports not
 * accepted in time).  Its state is all in the database, so a restart
 * picks up where it left and nothing escalates twice. */
int app_scheduler_start(app *a, err *e);
void app_scheduler_stop(app *a);

#endif
