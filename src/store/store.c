#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store_backend.h"
#include "util/mem.h"
#include "util/text.h"

int store_url_is_pg(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	       strncmp(url, "postgres://", 11) == 0;
}

int store_open(const char *url, store **out, err *e)
{
	const store_ops *ops = store_url_is_pg(url) ? &store__pg_ops
						    : &store__sqlite_ops;
	*out = NULL;
	return ops->open(url, out, e);
}

void store_close(store *s)
{
	if (s)
		s->ops->close(s);
}

store_kind store_kind_of(const store *s)
{
	return s->ops->kind;
}

int store_change_mark(store *s, store_mark *m)
{
	return s->ops->change_mark ? s->ops->change_mark(s, m) : -1;
}

/* Savepoints of the work inside store_hold.  One name for all: both
 * engines release and roll back to the innermost of that name. */
static int nest_begin(store *s, err *e)
{
	int rc = s->ops->exec_script(s, "SAVEPOINT guanai_nest", e);
	if (rc == 0)
		s->depth++;
	return rc;
}

int store_begin(store *s, err *e)
{
	if (s->held)
		return nest_begin(s, e);
	int rc = s->ops->begin(s, e);
	if (rc == 0)
		s->in_tx = 1;
	return rc;
}

int store_begin_read(store *s, err *e)
{
	if (s->held)
		return nest_begin(s, e);
	int rc = s->ops->begin_read(s, e);
	if (rc == 0)
		s->in_tx = 1;
	return rc;
}

int store_hold(store *s, err *e)
{
	if (s->in_tx)
		return err_set(e, ERR_INTERNAL, "internal",
			       "事务中不能再开始外层事务");
	int rc = s->ops->begin(s, e);
	if (rc == 0) {
		s->in_tx = 1;
		s->held = 1;
		s->depth = 0;
	}
	return rc;
}

int store_release(store *s, int commit, err *e)
{
	if (!s->held)
		return err_set(e, ERR_INTERNAL, "internal", "没有外层事务");
	/* Savepoints left open by the work end with the transaction. */
	s->held = 0;
	s->depth = 0;
	if (commit)
		return store_commit(s, e);
	store_rollback(s);
	return 0;
}

void store_set_audit_key(store *s, const struct audit_key *k)
{
	s->audit_key = k;
}

const struct audit_key *store_audit_key(const store *s)
{
	return s->audit_key;
}

int store_commit(store *s, err *e)
{
	if (s->held) {
		if (s->depth == 0)
			return 0;
		int rc = s->ops->exec_script(s, "RELEASE SAVEPOINT guanai_nest",
					     e);
		if (rc)
			store_rollback(s);
		else
			s->depth--;
		return rc;
	}
	int rc = s->ops->commit(s, e);
	if (rc == 0)
		s->in_tx = 0;
	else
		store_rollback(s);
	return rc;
}

void store_rollback(store *s)
{
	if (s->held) {
		if (s->depth > 0) {
			err ignored;
			/* Rolled back to, the savepoint stays open: release
			 * it too.  A failure here leaves the holder's
			 * transaction to its own end. */
			s->ops->exec_script(s,
					    "ROLLBACK TO SAVEPOINT guanai_nest;"
					    "RELEASE SAVEPOINT guanai_nest",
					    &ignored);
			s->depth--;
		}
		return;
	}
	if (s->in_tx) {
		s->ops->rollback(s);
		s->in_tx = 0;
	}
}

int store_exec(store *s, const char *sql, const store_param *p, int np,
	       int64_t *changes, err *e)
{
	return s->ops->exec(s, sql, p, np, changes, e);
}

int store_query(store *s, const char *sql, const store_param *p, int np,
		store_res **out, err *e)
{
	*out = NULL;
	return s->ops->query(s, sql, p, np, out, e);
}

int store_query_int(store *s, const char *sql, const store_param *p, int np,
		    int64_t *out, err *e)
{
	store_res *r;
	int rc = store_query(s, sql, p, np, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) < 1 || store_res_isnull(r, 0, 0)) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found", "记录不存在");
	}
	*out = store_res_int(r, 0, 0);
	store_res_free(r);
	return 0;
}

int store_insert_id(store *s, const char *sql, const store_param *p, int np,
		    int64_t *id, err *e)
{
	static const char tail[] = " RETURNING id";
	size_t n = strlen(sql), t = sizeof tail - 1;
	if (n < t || strcmp(sql + n - t, tail) != 0)
		return err_set(e, ERR_INTERNAL, "internal",
			       "INSERT 语句应以 RETURNING id 结尾");
	if (s->ops->insert_id)
		return s->ops->insert_id(s, sql, p, np, id, e);
	return store_query_int(s, sql, p, np, id, e);
}

int store_ping(store *s, int timeout_ms, err *e)
{
	/* A few rows of a table every database has since its first
	 * migration: a read of the database's own pages. */
	static const char sql[] = "SELECT count(*) FROM schema_migrations";
	if (s->in_tx)
		return err_set(e, ERR_INTERNAL, "internal",
			       "数据库检查不能在事务中进行");
	if (s->ops->ping)
		return s->ops->ping(s, sql, timeout_ms, e);
	int64_t n;
	return store_query_int(s, sql, NULL, 0, &n, e);
}

int store_wal_bytes(const char *url, int64_t *bytes, err *e)
{
	*bytes = 0;
	if (store_url_is_pg(url))
		return err_set(e, ERR_INVALID, "no_wal",
			       "PostgreSQL 的预写日志由数据库服务器管理");
	char path[4096];
	struct stat sb;
	if (snprintf(path, sizeof path, "%s-wal", url) >= (int)sizeof path)
		return err_set(e, ERR_INVALID, "no_wal", "数据库路径过长");
	if (stat(path, &sb) == 0)
		*bytes = (int64_t)sb.st_size;
	else if (errno != ENOENT)
		return err_set(e, ERR_STORE, "store_error",
			       "无法读取预写日志大小: %s", strerror(errno));
	return 0;
}

int store_bulk(store *s, int on, int *alone, err *e)
{
	if (alone)
		*alone = 0;
	return s->ops->bulk ? s->ops->bulk(s, on, on ? alone : NULL, e) : 0;
}

/* ---- results ---- */

store_res *store__res_new(int cols)
{
	store_res *r = xcalloc(1, sizeof *r);
	r->cols = cols;
	return r;
}

/* Copies `len` bytes and a NUL to the end of the text; their offset. */
static size_t res_text(store_res *r, const char *val, size_t len)
{
	if (len >= SIZE_MAX / 4 - r->tlen)
		abort();
	if (r->tlen + len + 1 > r->tcap) {
		size_t cap = r->tcap ? r->tcap : 1024;
		while (cap < r->tlen + len + 1)
			cap *= 2;
		r->text = xreallocarray(r->text, cap, 1);
		r->tcap = cap;
	}
	size_t off = r->tlen;
	memcpy(r->text + off, val, len);
	r->text[off + len] = '\0';
	r->tlen += len + 1;
	return off;
}

void store__res_push(store_res *r, const char *val, size_t len)
{
	if (r->ncells == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->cells = xreallocarray(r->cells, r->cap, sizeof *r->cells);
	}
	r->cells[r->ncells++] = val ? res_text(r, val, len) : STORE_RES_NULL;
	if (r->cols > 0)
		r->rows = (int)(r->ncells / (size_t)r->cols);
}

void store__res_set(store_res *r, int row, int col, const char *val)
{
	if (row >= 0 && row < r->rows && col >= 0 && col < r->cols)
		r->cells[(size_t)row * (size_t)r->cols + (size_t)col] =
			res_text(r, val, strlen(val));
}

int store_res_rows(const store_res *r)
{
	return r->rows;
}

int store_res_cols(const store_res *r)
{
	return r->cols;
}

static const char *res_cell(const store_res *r, int row, int col)
{
	if (row < 0 || row >= r->rows || col < 0 || col >= r->cols)
		return NULL;
	size_t off = r->cells[(size_t)row * (size_t)r->cols + (size_t)col];
	return off == STORE_RES_NULL ? NULL : r->text + off;
}

const char *store_res_text(const store_res *r, int row, int col)
{
	return res_cell(r, row, col);
}

int64_t store_res_int(const store_res *r, int row, int col)
{
	const char *v = res_cell(r, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

int store_res_isnull(const store_res *r, int row, int col)
{
	return res_cell(r, row, col) == NULL;
}

const store_col store_text_cols[] = {
	STORE_STR(0, store_text_row, text),
	STORE_COLS_END,
};

void store_res_row(const store_res *r, int row, const store_col *cols,
		   void *out)
{
	char *base = out;
	for (const store_col *c = cols; c->type != STORE_COL_END; c++) {
		const char *v = res_cell(r, row, c->col);
		void *f = base + c->off;
		switch (c->type) {
		case STORE_COL_STR:
			memcpy(f, &v, sizeof v);
			break;
		case STORE_COL_BUF:
			text_copy(f, c->size, v);
			break;
		case STORE_COL_I64: {
			int64_t i = v ? strtoll(v, NULL, 10) : 0;
			memcpy(f, &i, sizeof i);
			break;
		}
		case STORE_COL_INT: {
			int i = v ? (int)strtoll(v, NULL, 10) : 0;
			memcpy(f, &i, sizeof i);
			break;
		}
		case STORE_COL_ISNULL: {
			int i = v == NULL;
			memcpy(f, &i, sizeof i);
			break;
		}
		case STORE_COL_END:
			break;
		}
	}
}

void store_res_free(store_res *r)
{
	if (!r)
		return;
	free(r->cells);
	free(r->text);
	free(r);
}

/* ---- pool ---- */

typedef struct batch_job {
	store_work work;
	void *arg;
	err *e;
	int rc, done;
	struct batch_job *next;
} batch_job;

struct store_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int size, nfree;
	store **all;
	store **free_list;
	/* store_batched: work waiting for a transaction, and whether a
	 * thread is running one */
	pthread_mutex_t bmu;
	pthread_cond_t bcv;
	batch_job *queue, **tail;
	int leading;
	uint64_t waits;		/* gets that found no connection free */
};

int store_pool_new(const char *url, int size, store_pool **out, err *e)
{
	store_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_init(&p->bmu, NULL);
	pthread_cond_init(&p->bcv, NULL);
	p->tail = &p->queue;
	p->all = xcalloc((size_t)size, sizeof *p->all);
	p->free_list = xcalloc((size_t)size, sizeof *p->free_list);
	for (int i = 0; i < size; i++) {
		int rc = store_open(url, &p->all[i], e);
		if (rc) {
			p->size = i;
			store_pool_free(p);
			return rc;
		}
		p->all[i]->pool = p;
		p->free_list[p->nfree++] = p->all[i];
		p->size = i + 1;
	}
	*out = p;
	return 0;
}

void store_pool_free(store_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->size; i++)
		store_close(p->all[i]);
	free(p->all);
	free(p->free_list);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->bmu);
	pthread_cond_destroy(&p->bcv);
	free(p);
}

store *store_pool_get(store_pool *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->nfree == 0)
		p->waits++;
	while (p->nfree == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	store *s = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return s;
}

void store_pool_stats_of(store_pool *p, store_pool_stats *out)
{
	pthread_mutex_lock(&p->mu);
	out->size = p->size;
	out->in_use = p->size - p->nfree;
	out->waits = p->waits;
	pthread_mutex_unlock(&p->mu);
}

void store_pool_set_audit_key(store_pool *p, const struct audit_key *k)
{
	for (int i = 0; i < p->size; i++)
		store_set_audit_key(p->all[i], k);
}

void store_pool_put(store_pool *p, store *s)
{
	/* A connection must come back clean: a handler that forgot to end its
	 * transaction must not leak it into the next request. */
	store_rollback(s);
	pthread_mutex_lock(&p->mu);
	p->free_list[p->nfree++] = s;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* ---- transactions around a work ---- */

int store_tx(store *s, store_work work, void *arg, err *e)
{
	int rc = store_begin(s, e);
	if (rc == 0 && (rc = work(s, arg, e)) == 0 &&
	    (rc = store_commit(s, e)) == 0)
		return 0;
	store_rollback(s);
	return rc;
}

int store_tx_read(store *s, store_work work, void *arg, err *e)
{
	int rc = store_begin_read(s, e);
	if (rc == 0)
		rc = work(s, arg, e);
	store_rollback(s);
	return rc;
}

/* ---- group commit ---- */

/* All the jobs in one transaction; if that fails, each in its own. */
static void run_batch(store *s, batch_job *jobs)
{
	err e;
	int rc = store_begin(s, &e);
	for (batch_job *j = jobs; rc == 0 && j; j = j->next)
		rc = j->work(s, j->arg, j->e);
	if (rc == 0)
		rc = store_commit(s, &e);
	if (rc == 0) {
		for (batch_job *j = jobs; j; j = j->next)
			j->rc = 0;
		return;
	}
	store_rollback(s);
	for (batch_job *j = jobs; j; j = j->next)
		j->rc = store_tx(s, j->work, j->arg, j->e);
}

int store_batched(store *s, store_work work, void *arg, err *e)
{
	store_pool *p = s->pool;
	if (!p || s->in_tx)
		return store_tx(s, work, arg, e);
	batch_job me = { .work = work, .arg = arg, .e = e };
	pthread_mutex_lock(&p->bmu);
	*p->tail = &me;
	p->tail = &me.next;
	/* Wait while another thread runs a transaction: it takes this job
	 * if it was queued before it started, else this thread leads the
	 * next one. */
	while (!me.done && p->leading)
		pthread_cond_wait(&p->bcv, &p->bmu);
	if (me.done) {
		pthread_mutex_unlock(&p->bmu);
		return me.rc;
	}
	p->leading = 1;
	batch_job *jobs = p->queue;
	p->queue = NULL;
	p->tail = &p->queue;
	pthread_mutex_unlock(&p->bmu);
	run_batch(s, jobs);
	pthread_mutex_lock(&p->bmu);
	p->leading = 0;
	for (batch_job *j = jobs, *next; j; j = next) {
		next = j->next;
		j->done = 1;	/* its thread may return as soon as we unlock */
	}
	pthread_cond_broadcast(&p->bcv);
	pthread_mutex_unlock(&p->bmu);
	return me.rc;
}
