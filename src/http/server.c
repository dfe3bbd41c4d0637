/* The HTTP server: libmicrohttpd with a thread pool.  Each request borrows
 * one database connection for its whole life, so a handler and everything
 * it calls see one connection and one transaction at a time. */
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/compress.h"
#include "http/connlimit.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/proxy.h"
#include "http/static.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/text.h"

#define SESSION_COOKIE "guanai_session"

static const struct {
	int code, status;
} status_table[] = {
	{ ERR_INVALID, 400 },	{ ERR_UNAUTH, 401 },	{ ERR_FORBIDDEN, 403 },
	{ ERR_NOTFOUND, 404 },	{ ERR_METHOD, 405 },	{ ERR_CONFLICT, 409 },
	{ ERR_TOOBIG, 413 },	{ ERR_MEDIA, 415 },	{ ERR_LOCKED, 423 },
	{ ERR_STORE, 500 },	{ ERR_INTERNAL, 500 },	{ ERR_UNAVAILABLE, 503 },
	{ ERR_RATE, 429 },
};

int http_status_of(int code)
{
	for (size_t i = 0; i < sizeof status_table / sizeof *status_table; i++)
		if (status_table[i].code == code)
			return status_table[i].status;
	return 500;
}

/* Per-request state, from the request line (on_uri) to the end. */
typedef struct conn_state {
	buf body;
	int too_big;
	size_t cap;		/* HTTP_MAX_BODY, or HTTP_MAX_UPLOAD */
	size_t drained;		/* bytes received in all */
	int seen;		/* on_request has run once */
	int bad_path;		/* a control byte in the target */
	uintptr_t target_end;	/* where the target seemed to end, + 1 */
	/* for /metrics: where the request is counted (the API route that
	 * took it, else `slot`), since when, and whether it was */
	const route *rt;
	int slot;
	int recorded;
	uint64_t t0;
} conn_state;

/* The server's own state, handed to every libmicrohttpd callback. */
typedef struct server {
	app *a;
	const http_config *cfg;
	metrics *m;
	connlimit *cl;
	int has_token;		/* serve --metrics-token */
	unsigned char token_hash[crypto_hash_sha256_BYTES];
} server;

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

const char *req_query(req *r, const char *name)
{
	const char *v;
	size_t n;
	if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name,
					  strlen(name), &v, &n) != MHD_YES)
		return NULL;
	/* A NUL inside the value would cut it short as a C string and make
	 * "22%00x" read as "22".  Hand over a control character instead,
	 * which every validator refuses with its own field's error. */
	if (v && strlen(v) != n)
		return "\x01";
	return v;
}

const char *req_header(req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_page(req *r, int64_t *offset, int *limit, err *e)
{
	const char *p = req_query(r, "page"), *ps = req_query(r, "page_size");
	long long page = 1, size = 50;
	if (p && (!text_is_digits(p) || strlen(p) > 9 ||
		  (page = atoll(p)) < 1))
		return err_field(e, ERR_INVALID, "invalid_query", "page",
				 "页码应为正整数");
	if (ps && (!text_is_digits(ps) || strlen(ps) > 3 ||
		   (size = atoll(ps)) < 1 || size > 200))
		return err_field(e, ERR_INVALID, "invalid_query", "page_size",
				 "每页条数应为1至200");
	*offset = (page - 1) * size;
	*limit = (int)size;
	return 0;
}

int req_id(req *r, int n, int64_t *out, err *e)
{
	const char *s = n < r->nparams ? r->params[n] : "";
	if (!text_is_digits(s) || strlen(s) > 15 || (*out = atoll(s)) < 1)
		return err_set(e, ERR_NOTFOUND, "not_found", "记录不存在");
	return 0;
}

int req_reply(req *r, int status, json_t *body)
{
	json_decref(r->out);
	r->status = status;
	r->out = body;
	return 0;
}

int req_reply_text(req *r, int status, char *text, size_t len)
{
	free(r->raw);
	r->raw = text;
	r->raw_len = len;
	r->content_type = "application/json; charset=utf-8";
	r->filename[0] = '\0';
	r->status = status;
	return 0;
}

int req_reply_not_modified(req *r)
{
	free(r->raw);
	r->raw = xstrdup("");
	r->raw_len = 0;
	r->content_type = NULL;
	r->content_encoding = NULL;
	r->filename[0] = '\0';
	r->status = 304;
	return 0;
}

int req_reply_file(req *r, char *bytes, size_t len, const char *type,
		   const char *filename)
{
	free(r->raw);
	r->raw = bytes;
	r->raw_len = len;
	r->content_type = type;
	snprintf(r->filename, sizeof r->filename, "%s", filename);
	r->status = 200;
	return 0;
}

static void add_security_headers(struct MHD_Response *resp,
				 const char *hsts);

/* filename*=UTF-8''… with every byte outside the unreserved set
 * percent-encoded, so Chinese file names survive every browser. */
static void content_disposition(const char *name, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t j = (size_t)snprintf(out, n, "attachment; filename=\"export\"; "
					    "filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name;
	     *p && j + 4 < n; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_') {
			out[j++] = (char)*p;
		} else {
			out[j++] = '%';
			out[j++] = hex[*p >> 4];
			out[j++] = hex[*p & 15];
		}
	}
	out[j < n ? j : n - 1] = '\0';
}

/* Whether an answer of this type goes gzipped (compress.h): JSON only;
 * xlsx and PDF files are compressed already. */
static int compressible(const char *type)
{
	return type && strncmp(type, "application/json", 16) == 0;
}

/* Gzips *body (malloc'd, *n bytes) in place when the client takes gzip
 * and it is worth it; returns whether it did.  The answer varies by
 * Accept-Encoding either way, which *vary is then told. */
static int gzip_body(struct MHD_Connection *c, char **body, size_t *n,
		     int *vary)
{
	*vary = 1;
	if (*n < HTTP_GZIP_MIN ||
	    !http_accepts_gzip(MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, "Accept-Encoding")))
		return 0;
	char *gz;
	size_t len;
	/* Level 5: a 30 KB list in well under a millisecond, 88 % of what
	 * level 9 saves. */
	if (http_gzip(*body, *n, 5, &gz, &len) != 0 || len >= *n) {
		free(gz);
		return 0;
	}
	free(*body);
	*body = gz;
	*n = len;
	return 1;
}

static enum MHD_Result send_file(struct MHD_Connection *c, req *r)
{
	int gz = 0, vary = 0;
	if (!r->content_encoding && r->status != 304 &&
	    compressible(r->content_type))
		gz = gzip_body(c, &r->raw, &r->raw_len, &vary);
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		r->raw_len, r->raw, MHD_RESPMEM_MUST_FREE);
	r->raw = NULL;
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (vary && !r->vary)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (r->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	if (r->filename[0]) {
		char cd[512];
		content_disposition(r->filename, cd, sizeof cd);
		MHD_add_response_header(resp, "Content-Disposition", cd);
	}
	MHD_add_response_header(resp, "Cache-Control",
				r->cache_control ? r->cache_control
						 : "no-store");
	if (r->etag)
		MHD_add_response_header(resp, "ETag", r->etag);
	if (r->content_encoding)
		MHD_add_response_header(resp, "Content-Encoding",
					r->content_encoding);
	if (r->vary)
		MHD_add_response_header(resp, "Vary", r->vary);
	add_security_headers(resp, http_hsts(r->app));
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

actor req_actor(const req *r)
{
	return (actor){ .u = r->se ? &r->se->u : NULL,
			.ip = r->ip,
			.now = r->now };
}

static void add_security_headers(struct MHD_Response *resp,
				 const char *hsts)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					hsts);
}

/* Headers some answers add beside the usual ones. */
typedef struct extra_headers {
	const char *cookie;	/* Set-Cookie */
	const char *hsts;	/* Strict-Transport-Security */
	long retry_after;	/* Retry-After in seconds, 0 for none */
} extra_headers;

static enum MHD_Result send_json(struct MHD_Connection *c, int status,
				 json_t *body, const extra_headers *x)
{
	char *text = body ? jsonx_dump(body) : NULL;
	size_t n = text ? strlen(text) : 0;
	int gz = 0, vary = 0;
	if (text)
		gz = gzip_body(c, &text, &n, &vary);
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		n, text ? text : (char *)"", text ? MHD_RESPMEM_MUST_FREE
						 : MHD_RESPMEM_PERSISTENT);
	if (text)
		MHD_add_response_header(resp, "Content-Type",
					"application/json; charset=utf-8");
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (vary)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	add_security_headers(resp, x->hsts);
	if (x->cookie && *x->cookie)
		MHD_add_response_header(resp, "Set-Cookie", x->cookie);
	if (x->retry_after > 0) {
		char wait[24];
		snprintf(wait, sizeof wait, "%ld", x->retry_after);
		MHD_add_response_header(resp, "Retry-After", wait);
	}
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static json_t *error_json(const err *e)
{
	json_t *inner = json_pack("{s:s, s:s}", "code",
				  e->key[0] ? e->key : "internal", "message",
				  e->msg[0] ? e->msg : "服务器内部错误");
	if (e->field[0])
		json_object_set_new(inner, "field", json_string(e->field));
	return json_pack("{s:o}", "error", inner);
}

static enum MHD_Result send_error(struct MHD_Connection *c, const err *e,
				  const char *hsts)
{
	json_t *body = error_json(e);
	extra_headers x = { .hsts = hsts, .retry_after = e->retry_after };
	enum MHD_Result ret = send_json(c, http_status_of(e->code), body, &x);
	json_decref(body);
	return ret;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)n);
}

static int is_state_changing(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

static int json_content_type(struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     "Content-Type");
	if (!ct)
		return 0;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Authentication, CSRF, the password-change gate and the permission
 * table, in that order: each check only runs once the one before it has
 * passed. */
static int check_access(req *r, const route *rt, session *se, err *e)
{
	if (rt->action == PERM_PUBLIC)
		return 0;
	int rc = account_session(r->db, &r->app->acfg, r->token, r->now, se,
				 e);
	if (rc)
		return rc;
	r->se = se;
	if (is_state_changing(r->method)) {
		const char *t = MHD_lookup_connection_value(
			r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!t || !text_secret_eq(t, se->csrf))
			return err_set(e, ERR_FORBIDDEN, "csrf_failed",
				       "安全校验失败，请刷新页面后重试");
	}
	if (se->u.must_change && !(rt->flags & R_PW_CHANGE))
		return err_set(e, ERR_FORBIDDEN, "password_change_required",
			       "首次登录须先修改密码");
	if (!perm_role_may(se->u.role, rt->action))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权进行此操作");
	return 0;
}

/* A route that takes no body still accepts an empty object, which many
 * clients send by habit; anything else in it is refused. */
static int no_body(req *r, err *e)
{
	static const char *const none[] = { NULL };
	int rc = jsonx_parse_object(r->body, r->body_len, &r->json, e);
	return rc ? rc : jsonx_only(r->json, none, e);
}

static enum MHD_Result handle_api(const server *sv, struct MHD_Connection *c,
				  const char *url, const char *method,
				  conn_state *st)
{
	app *a = sv->a;
	err e;
	err_clear(&e);
	req r = { .app = a, .conn = c, .method = method, .path = url,
		  .status = 200 };
	r.body = buf_str(&st->body);
	r.body_len = st->body.len;
	r.now = app_now(a);
	r.token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
					      SESSION_COOKIE);
	client_ip(c, r.ip, sizeof r.ip);
	http_proxy_apply(&r);
	const char *hsts = http_hsts(a);

	int known;
	const route *rt = http_route_match(&sv->cfg->routes, method, url, &r,
					   &known);
	st->rt = rt;
	if (!rt) {
		if (known)
			err_set(&e, ERR_METHOD, "method_not_allowed",
				"不支持的请求方法");
		else
			err_set(&e, ERR_NOTFOUND, "not_found", "接口不存在");
		return send_error(c, &e, hsts);
	}
	if (st->body.len && !(rt->flags & R_UPLOAD) && !json_content_type(c)) {
		err_set(&e, ERR_MEDIA, "unsupported_media_type",
			"请求内容类型应为 application/json");
		return send_error(c, &e, hsts);
	}

	session se;
	r.db = store_pool_get(a->pool);
	int rc = check_access(&r, rt, &se, &e);
	if (!rc && (rt->flags & R_UPLOAD))
		; /* the handler reads r->body as a file */
	else if (!rc && ((rt->flags & R_BODY) ||
			 ((rt->flags & R_OPTBODY) && st->body.len)))
		rc = jsonx_parse_object(r.body, r.body_len, &r.json, &e);
	else if (!rc && st->body.len)
		rc = no_body(&r, &e);
	if (!rc)
		rc = sv->cfg->run ? sv->cfg->run(&r, rt, &e) : rt->fn(&r, &e);
	store_pool_put(a->pool, r.db);
	if (rc && sv->cfg->on_error)
		sv->cfg->on_error(&r, rt, &e);

	enum MHD_Result ret;
	if (rc) {
		if (e.code == 0)
			err_set(&e, rc, "internal", "服务器内部错误");
		if (http_status_of(e.code) >= 500) {
			/* The detail (engine messages can quote input or
			 * constraint names) goes to the log, not the client. */
			log_error("%s %s: %s (%s)", method, url, e.msg, e.key);
			if (e.code != ERR_UNAVAILABLE)
				err_set(&e, e.code, "internal",
					"服务器内部错误，请稍后再试或联系管理员");
		}
		ret = send_error(c, &e, hsts);
	} else if (r.raw) {
		ret = send_file(c, &r);
	} else {
		extra_headers x = { .cookie = r.set_cookie, .hsts = hsts };
		ret = send_json(c, r.status, r.out, &x);
	}
	free(r.raw);
	json_decref(r.out);
	json_decref(r.json);
	return ret;
}

/* Bodies over the cap are read and dropped up to this much, so that a
 * client that sends its whole body before reading gets the 413 rather
 * than a reset connection; beyond it the connection is cut short. */
#define HTTP_DRAIN_MAX (48 << 20)

static enum MHD_Result too_big(struct MHD_Connection *c, size_t cap)
{
	err e;
	err_set(&e, ERR_TOOBIG, "payload_too_large", "请求内容过大（最多%zuMB）",
		cap >> 20);
	return send_error(c, &e, NULL);
}

/* The body cap of a request: larger for the routes that take files. */
static size_t body_cap(const server *sv, const char *method, const char *url)
{
	req scratch;
	int known;
	memset(&scratch, 0, sizeof scratch);
	const route *rt = http_route_match(&sv->cfg->routes, method, url,
					   &scratch, &known);
	return rt && (rt->flags & R_UPLOAD) ? HTTP_MAX_UPLOAD : HTTP_MAX_BODY;
}

static int hexval(unsigned char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* A control byte in the request target: sent as is anywhere, or
 * %-escaped in the path.  libmicrohttpd hands the path over unescaped as a
 * C string, so "%00" cut it short there: /api/v1/health%00x was answered
 * as /api/v1/health.  An escaped one in the query is left to req_query,
 * which sees its values' whole length. */
static int target_has_control(const char *uri)
{
	int in_path = 1;
	for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
		unsigned v = *p;
		if (v == '?')
			in_path = 0;
		if (in_path && v == '%' && isxdigit(p[1]) && isxdigit(p[2]))
			v = (unsigned)(hexval(p[1]) * 16 + hexval(p[2]));
		if (v < 0x20 || v == 0x7f)
			return 1;
	}
	return 0;
}

/* Called with the request line, before anything else of the request:
 * its state starts here (the clock for /metrics, the raw target). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	conn_state *st = xcalloc(1, sizeof *st);
	st->t0 = now_us();
	st->slot = -1;
	st->bad_path = target_has_control(uri);
	st->target_end = (uintptr_t)uri + strlen(uri) + 1;
	return st;
}

/* A NUL sent as is in the target ends `uri` early, and the path with it.
 * libmicrohttpd 0.9.75 splits the request line in place: the version
 * string starts right after the target and the one NUL put between them.
 * When it starts a little further on in the same buffer, the target held
 * a NUL of its own.  Anywhere else (another version of the library that
 * copies the strings), nothing can be told and nothing is refused.
 * Compared as integers: the pointers may belong to different objects. */
static int target_cut_short(const conn_state *st, const char *version)
{
	uintptr_t v = (uintptr_t)version;
	return version[0] && v > st->target_end && v - st->target_end < 65536;
}

/* /metrics answers a Prometheus on this machine — the socket's peer is
 * loopback, and no proxy says it forwarded the request (a proxy on this
 * machine connects from loopback too) — or whoever has the token.
 * X-Forwarded-For never grants anything. */
static int metrics_allowed(const server *sv, struct MHD_Connection *c)
{
	if (sv->has_token) {
		const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							    "Authorization");
		if (h && strncasecmp(h, "Bearer ", 7) == 0) {
			/* Compared as hashes, in constant time: neither
			 * the bytes nor the length of the token leak. */
			unsigned char got[crypto_hash_sha256_BYTES];
			crypto_hash_sha256(got, (const unsigned char *)h + 7,
					   strlen(h + 7));
			if (sodium_memcmp(got, sv->token_hash, sizeof got) == 0)
				return 1;
		}
	}
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr || !connlimit_is_loopback(ci->client_addr))
		return 0;
	static const char *const forwarded[] = { "Forwarded",
						 "X-Forwarded-For",
						 "X-Real-IP" };
	for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						forwarded[i]))
			return 0;
	return 1;
}

static enum MHD_Result send_metrics(server *sv, struct MHD_Connection *c)
{
	buf out = BUF_INIT;
	metrics_render(sv->m, sv->a, sv->cl, &out);
	size_t n = out.len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		n, buf_steal(&out), MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type",
				"text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	add_security_headers(resp, http_hsts(sv->a));
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result serve(server *sv, struct MHD_Connection *c,
			     const char *url, const char *method,
			     const char *version, const char *upload,
			     size_t *upload_size, conn_state *st)
{
	app *a = sv->a;
	if (!st->seen) {
		st->seen = 1;
		st->slot = metrics_slot_other(sv->m,
					      strncmp(url, "/api/", 5) == 0
						      ? METRICS_UNMATCHED
						      : METRICS_STATIC,
					      method);
		if (st->bad_path || target_cut_short(st, version)) {
			err e;
			err_set(&e, ERR_INVALID, "invalid_path",
				"请求路径含有无效字符");
			return send_error(c, &e, http_hsts(a));
		}
		st->cap = body_cap(sv, method, url);
		const char *cl = MHD_lookup_connection_value(
			c, MHD_HEADER_KIND, "Content-Length");
		if (cl && (strlen(cl) > 12 || atoll(cl) > HTTP_DRAIN_MAX))
			return too_big(c, st->cap);
		if (cl && (size_t)atoll(cl) > st->cap)
			st->too_big = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!st->too_big && st->body.len + *upload_size > st->cap)
			st->too_big = 1;
		if (!st->too_big)
			buf_put(&st->body, upload, *upload_size);
		st->drained += *upload_size;
		*upload_size = 0;
		if (st->drained > HTTP_DRAIN_MAX)
			return too_big(c, st->cap);
		return MHD_YES;
	}
	if (st->too_big)
		return too_big(c, st->cap);
	if (strcmp(url, "/metrics") == 0 && strcmp(method, "GET") == 0 &&
	    metrics_allowed(sv, c)) {
		st->slot = metrics_slot_other(sv->m, METRICS_SELF, method);
		return send_metrics(sv, c);
	}
	/* Refused, /metrics is answered as any other unknown path: its
	 * being there is not told either. */
	if (strncmp(url, "/api/", 5) == 0)
		return handle_api(sv, c, url, method, st);
	return static_serve(c, a->web_dir, url, method);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	server *sv = cls;
	if (!*con_cls) {	/* on_uri always runs first: a safeguard */
		conn_state *fresh = on_uri(NULL, url, c);
		fresh->target_end = UINTPTR_MAX;	/* not the raw target */
		*con_cls = fresh;
	}
	conn_state *st = *con_cls;
	enum MHD_Result ret =
		serve(sv, c, url, method, version, upload, upload_size, st);
	/* Counted once its answer is queued: before the client can have
	 * it, so a client that reads /metrics next sees its request in. */
	if (!st->recorded) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			c, MHD_CONNECTION_INFO_HTTP_STATUS);
		if (ci) {
			st->recorded = 1;
			metrics_observe(sv->m,
					st->rt ? metrics_slot_route(sv->m, st->rt)
					       : st->slot,
					ci->http_status, now_us() - st->t0);
		}
	}
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	conn_state *st = *con_cls;
	if (st) {
		buf_free(&st->body);
		free(st);
		*con_cls = NULL;
	}
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, err *e)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return err_set(e, ERR_INVALID, "invalid_listen",
			       "监听地址应为 IP:端口，如 127.0.0.1:8080");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	long port = text_is_digits(colon + 1) && strlen(colon + 1) <= 5
			    ? atol(colon + 1)
			    : -1;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	if (port < 1 || port > 65535 ||
	    inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_set(e, ERR_INVALID, "invalid_listen",
			       "监听地址应为 IP:端口，如 127.0.0.1:8080");
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

/* Connections are accepted here and handed to libmicrohttpd, which
 * gives each to a worker thread of its pool by the socket's number: in
 * turn.  Left to accept them itself, every worker raced for each new
 * connection, and one could win 37 of 64 while another won 5: those
 * 37 waited for one thread while the others idled, and they made the
 * slowest answers (bench/api.sh: detail p99 from 11 to 24 ms from run
 * to run, with handler times alike).
 *
 * libmicrohttpd must never meet its own connection limit on this path.
 * MHD_add_connection checks a worker's count here, on the accept thread,
 * but the worker only counts a connection when it takes it in, later; a
 * burst of connections passes the check, and the worker's second check
 * then fails with the worker's cleanup mutex still locked (0.9.75, fixed
 * upstream in 1.0.0 by 67061d5c "process new connection: fixed missing
 * mutex unlock").  The worker then blocks on that mutex for good, and
 * MHD_stop_daemon on it, so SIGTERM hung too.  So the limits are kept
 * here (connlimit: a slot per connection, given back when libmicrohttpd
 * reports it closed) and libmicrohttpd's limit is set far above them:
 * each worker may hold twice what the whole server may. */
typedef struct acceptor {
	int fd;
	struct MHD_Daemon *d;
	connlimit *cl;
	time_t next_log;	/* refusals are logged at most every 10 s */
} acceptor;

/* Tells a refused client why, as far as its socket takes it without
 * waiting, and closes it: the accept thread never blocks on a client. */
static void refuse(acceptor *ac, int fd, const err *e)
{
	/* Bytes left unread make close() reset the connection, and the
	 * reset can overtake the answer: read what has already come. */
	char junk[4096];
	ssize_t got = recv(fd, junk, sizeof junk, MSG_DONTWAIT);
	(void)got;
	char body[512], msg[1024];
	int nb = snprintf(body, sizeof body,
			  "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
			  e->key, e->msg);
	int n = snprintf(msg, sizeof msg,
			 "HTTP/1.1 503 Service Unavailable\r\n"
			 "Content-Type: application/json; charset=utf-8\r\n"
			 "Content-Length: %d\r\n"
			 "Cache-Control: no-store\r\n"
			 "Retry-After: 5\r\n"
			 "Connection: close\r\n\r\n%s",
			 nb, body);
	if (n > 0 && (size_t)n < sizeof msg) {
		ssize_t sent = send(fd, msg, (size_t)n,
				    MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)sent;	/* a full socket buffer: the close says it */
	}
	shutdown(fd, SHUT_WR);
	close(fd);
	time_t now = time(NULL);
	if (now >= ac->next_log) {
		connlimit_stats st;
		connlimit_stats_of(ac->cl, &st);
		log_error("refusing connections (%s): %u open, %llu refused "
			  "for a full server, %llu for one address's share",
			  e->key, st.open, (unsigned long long)st.refused_busy,
			  (unsigned long long)st.refused_addr);
		ac->next_log = now + 10;
	}
}

static void *accept_main(void *arg)
{
	acceptor *ac = arg;
	int short_of = 0;
	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof from;
		int c = accept4(ac->fd, (struct sockaddr *)&from, &len,
				SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c >= 0) {
			short_of = 0;
			err e;
			const struct sockaddr *sa = (struct sockaddr *)&from;
			if (connlimit_take(ac->cl, sa, &e) != 0) {
				refuse(ac, c, &e);
				continue;
			}
			/* From here the socket is libmicrohttpd's: it closes
			 * it itself when it cannot take it, and then never
			 * reports it closed. */
			if (MHD_add_connection(ac->d, c, sa, len) != MHD_YES)
				connlimit_give(ac->cl, sa);
		} else if (errno == EMFILE || errno == ENFILE ||
			   errno == ENOBUFS || errno == ENOMEM) {
			if (!short_of++)
				log_error("accept: %s; waiting",
					  strerror(errno));
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		} else if (errno != EINTR && errno != ECONNABORTED &&
			   errno != EPROTO) {
			return NULL;	/* shut down (EINVAL) */
		}
	}
}

/* libmicrohttpd reports every connection it took in as closed exactly
 * once, on the worker that served it: its slot is free again. */
static void on_connection(void *cls, struct MHD_Connection *c,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	connlimit *cl = cls;
	(void)socket_context;
	if (toe != MHD_CONNECTION_NOTIFY_CLOSED)
		return;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr)
		connlimit_give(cl, ci->client_addr);
}

/* At most this many connections at once, fewer when the descriptor limit
 * cannot be raised to hold them. */
#define HTTP_MAX_CONN 1000u

/* The connection cap the descriptor limit allows: every connection may
 * hold a second descriptor (a static file being sent), and the rest is
 * for the database (three per SQLite connection), the workers' epoll and
 * event descriptors, the listening socket and the log.  Raises the soft
 * limit as far as needed when the hard one allows: Debian's soft default
 * of 1024 would otherwise cut the cap in half. */
static unsigned conn_cap(int threads)
{
	rlim_t reserve = 64 + 8 * (rlim_t)threads;
	rlim_t want = reserve + 2 * (rlim_t)HTTP_MAX_CONN;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return HTTP_MAX_CONN;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		struct rlimit up = rl;
		up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want
				      ? want
				      : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return HTTP_MAX_CONN;
	unsigned cap = rl.rlim_cur > reserve + 2
			       ? (unsigned)((rl.rlim_cur - reserve) / 2)
			       : 1;
	log_info("at most %u connections (descriptor limit %llu)", cap,
		 (unsigned long long)rl.rlim_cur);
	return cap;
}

/* The listening socket, as libmicrohttpd would open it. */
static int listen_on(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    bind(fd, (const struct sockaddr *)sa, sizeof *sa) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int http_serve(app *a, const char *where, const http_config *cfg, err *e)
{
	struct sockaddr_in sa;
	int rc = parse_listen(where, &sa, e);
	if (rc)
		return rc;
	unsigned cap = conn_cap(a->threads);
	acceptor ac = { .fd = -1 };
	if ((rc = connlimit_new(cap, a->max_conn_per_ip, a->trusted_proxies, &ac.cl,
				e)))
		return rc;
	server sv = { .a = a, .cfg = cfg, .cl = ac.cl };
	metrics_new(a->threads, &cfg->routes, &sv.m);
	if (a->metrics_token) {
		sv.has_token = 1;
		crypto_hash_sha256(sv.token_hash,
				   (const unsigned char *)a->metrics_token,
				   strlen(a->metrics_token));
	}
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* Block the signals in every thread started here and by MHD; the
	 * main thread waits for them below. */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	ac.fd = listen_on(&sa);
	if (ac.fd < 0) {
		metrics_free(sv.m);
		connlimit_free(ac.cl);
		return err_set(e, ERR_INTERNAL, "listen_failed",
			       "无法在 %s 上监听（端口被占用？）", where);
	}
	ac.d = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_NO_LISTEN_SOCKET |
			MHD_USE_ITC | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, &sv, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)a->threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
		2 * cap * (unsigned)a->threads, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, ac.cl, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
		NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	pthread_t at;
	if (!ac.d || pthread_create(&at, NULL, accept_main, &ac) != 0) {
		if (ac.d)
			MHD_stop_daemon(ac.d);
		close(ac.fd);
		metrics_free(sv.m);
		connlimit_free(ac.cl);
		return err_set(e, ERR_INTERNAL, "listen_failed",
			       "无法启动服务（%s）", where);
	}
	log_info("guanai %s serving on http://%s/", app_version(), where);
	int sig;
	sigwait(&sigs, &sig);
	log_info("signal %d: stopping", sig);
	shutdown(ac.fd, SHUT_RDWR);	/* ends the accept */
	pthread_join(at, NULL);
	close(ac.fd);
	MHD_stop_daemon(ac.d);
	metrics_free(sv.m);
	connlimit_free(ac.cl);
	return 0;
}
