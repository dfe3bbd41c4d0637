/* http — requests, responses and routes as the API handlers see them.
 *
 * Handlers never touch libmicrohttpd: they read a `req`, set its status and
 * JSON body, or return a negative ERR_* with the detail in `err`.  The
 * server turns that into the SPEC §12 error shape with the status from the
 * one table in http/server.c. */
#ifndef GUANAI_HTTP_H
#define GUANAI_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "domain/core/account.h"
#include "domain/core/perm.h"
#include "store/store.h"
#include "util/err.h"

enum { HTTP_MAX_BODY = 1 << 20, HTTP_MAX_UPLOAD = 32 << 20, HTTP_MAX_PARAMS = 4 };

typedef struct req {
	app *app;
	store *db;		/* borrowed from the pool for this request */
	void *conn;		/* the server's connection, for req_query */
	const char *method;
	const char *path;
	const char *body;	/* NUL-terminated, body_len bytes */
	size_t body_len;
	json_t *json;		/* the parsed body, for routes that take one */
	char ip[64];		/* the client: behind a trusted proxy, the
				 * address it forwarded (http/proxy.h) */
	int https;		/* the client reached us over HTTPS */
	int64_t now;
	session *se;		/* the caller, NULL on public routes */
	const char *token;	/* the session cookie as sent */
	char params[HTTP_MAX_PARAMS][64];	/* {id} segments of the path */
	int nparams;
	/* the response */
	int status;
	json_t *out;		/* owned by the request; NULL for no body */
	char set_cookie[256];
	/* A file instead of JSON (exports, PDFs): malloc'd, owned by the
	 * request, sent as an attachment named `filename`. */
	char *raw;
	size_t raw_len;
	const char *content_type;
	char filename[128];
	/* For a raw answer that may be kept (GET /api/v1/codes): its strong
	 * ETag, Cache-Control (NULL: no-store, as for every other answer),
	 * Content-Encoding and Vary, or NULL.  Not owned: constant, or held
	 * by the app for its life. */
	const char *etag;
	const char *cache_control;
	const char *content_encoding;
	const char *vary;
	/* The stored answer of an earlier request with the same
	 * Idempotency-Key, sent again (domain/idem.h). */
	int replayed;
} req;

typedef int (*http_handler)(req *r, err *e);

/* Route flags.  Whether a route needs a session at all is its action's
 * business (PERM_PUBLIC), like every other permission. */
enum {
	R_PW_CHANGE = 1 << 1,	/* allowed while a password change is due */
	R_BODY = 1 << 2,	/* takes a JSON object body */
	R_UPLOAD = 1 << 3,	/* takes a file body up to HTTP_MAX_UPLOAD */
	R_OPTBODY = 1 << 4,	/* takes a JSON object body, or none */
	R_IDEM = 1 << 5,	/* honours Idempotency-Key (api/api_idem.c) */
};

typedef struct route {
	const char *method;
	const char *pattern;	/* "/api/v1/users/{id}" */
	http_handler fn;
	unsigned flags;
	perm_action action;	/* what the caller does: domain/core/perm.c says
				 * which roles may */
} route;

/* A query parameter, or NULL.  Owned by the server for the request. */
const char *req_query(req *r, const char *name);

/* A request header, or NULL.  Owned by the server for the request. */
const char *req_header(req *r, const char *name);

/* page/page_size from the query: page ≥ 1, 1 ≤ page_size ≤ 200 (default
 * 50).  Errors: ERR_INVALID "invalid_query". */
int req_page(req *r, int64_t *offset, int *limit, err *e);

/* The {n}-th path parameter as a positive id.  ERR_NOTFOUND otherwise. */
int req_id(req *r, int n, int64_t *out, err *e);

/* Sets the response: status and body (ownership of `body` passes). */
int req_reply(req *r, int status, json_t *body);

/* Sets the response to JSON text already written (ownership of `text`
 * passes): for answers built with jsonw. */
int req_reply_text(req *r, int status, char *text, size_t len);

/* Sets a 304 Not Modified: no body; the caching headers set in `r`
 * (etag, cache_control, vary) go with it. */
int req_reply_not_modified(req *r);

/* Sets a file response (ownership of `bytes` passes).  `filename` is
 * UTF-8; it is sent RFC 5987-encoded. */
int req_reply_file(req *r, char *bytes, size_t len, const char *type,
		   const char *filename);

/* The actor for domain calls. */
actor req_actor(const req *r);

/* The routes a server serves: tables of routes, each ended by an
 * all-zero route.  The API gives them (api_routes); the server knows no
 * handler of its own. */
typedef struct http_routes {
	const route *const *tables;
	size_t n;
} http_routes;

/* What a server is given: its routes, a hook told of every request a
 * route refused or failed, after its connection went back to the pool
 * (NULL: none), with which the API counts denials for the audit log, and
 * what runs a route's handler (NULL: rt->fn itself), through which the
 * API answers a repeated Idempotency-Key once (api_run). */
typedef struct http_config {
	http_routes routes;
	void (*on_error)(req *r, const route *rt, const err *e);
	int (*run)(req *r, const route *rt, err *e);
} http_config;

/* Runs the server until SIGINT/SIGTERM.  Errors: ERR_INTERNAL when the
 * address cannot be bound. */
int http_serve(app *a, const char *where, const http_config *cfg, err *e);

/* Matches method and path against every table of `rs`.  *found is the
 * route or NULL; *path_known tells whether some route has this path with
 * another method (405 rather than 404). */
const route *http_route_match(const http_routes *rs, const char *method,
			      const char *path, req *r, int *path_known);

/* Every route of `rs`, in table order: the i-th (from 0), NULL past the
 * last. */
const route *http_route_nth(const http_routes *rs, size_t i);

/* Status for an ERR_* code. */
int http_status_of(int code);

#endif
