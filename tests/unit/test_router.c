/* The router (src/http/router.c) through http/http.h, given the API's
 * tables (api_routes, as cli.c gives them): every route of the tables is
 * reachable by its own path, path parameters are whole segments, a known
 * path with another method is told from an unknown path (405 and 404),
 * and hostile paths match nothing or only a whole segment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "http/http.h"
#include "util/err.h"

/* The routes a server is given: the API's. */
static const http_routes *routes(void)
{
	static http_routes rs;
	if (!rs.tables)
		rs = api_routes();
	return &rs;
}

static const route *match(const char *method, const char *path, req *r,
			  int *known)
{
	memset(r, 0, sizeof *r);
	*known = -1;
	return http_route_match(routes(), method, path, r, known);
}

/* `pattern` with every {name} replaced by `fill`. */
static void fill_pattern(const char *pattern, const char *fill, char *out,
			 size_t cap)
{
	size_t o = 0;
	for (const char *p = pattern; *p; p++) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			assert_non_null(end);
			for (const char *f = fill; *f; f++) {
				assert_true(o + 1 < cap);
				out[o++] = *f;
			}
			p = end;
			continue;
		}
		assert_true(o + 1 < cap);
		out[o++] = *p;
	}
	out[o] = '\0';
}

static int count_params(const char *pattern)
{
	int n = 0;
	for (const char *p = pattern; *p; p++)
		n += *p == '{';
	return n;
}

/* The tables themselves: methods the server knows, patterns under
 * /api/v1/ with whole {name} segments, at most HTTP_MAX_PARAMS of them,
 * no (method, pattern) twice, and http_route_nth walking exactly the
 * routes of the tables. */
static void test_tables_are_well_formed(void **state)
{
	(void)state;
	size_t nt = routes()->n;
	const route *const *tables = routes()->tables;
	assert_true(nt > 0);
	size_t total = 0;
	for (size_t t = 0; t < nt; t++) {
		assert_non_null(tables[t]->method);	/* no empty table */
		for (const route *rt = tables[t]; rt->method; rt++) {
			const char *m = rt->method;
			assert_true(!strcmp(m, "GET") || !strcmp(m, "POST") ||
				    !strcmp(m, "PUT") || !strcmp(m, "PATCH") ||
				    !strcmp(m, "DELETE"));
			assert_non_null(rt->fn);
			assert_int_equal(strncmp(rt->pattern, "/api/v1/", 8), 0);
			assert_true(count_params(rt->pattern) <= HTTP_MAX_PARAMS);
			for (const char *p = rt->pattern; *p; p++) {
				if (*p != '{')
					continue;
				/* a parameter is a whole segment */
				assert_int_equal(p[-1], '/');
				const char *end = strchr(p, '}');
				assert_non_null(end);
				assert_true(end[1] == '\0' || end[1] == '/');
				assert_null(memchr(p + 1, '{', (size_t)(end - p - 1)));
			}
			assert_ptr_equal(http_route_nth(routes(), total), rt);
			total++;
		}
	}
	assert_null(http_route_nth(routes(), total));
	for (size_t i = 0; i < total; i++)
		for (size_t j = i + 1; j < total; j++) {
			const route *a = http_route_nth(routes(), i);
			const route *b = http_route_nth(routes(), j);
			if (!strcmp(a->method, b->method) &&
			    !strcmp(a->pattern, b->pattern))
				fail_msg("%s %s twice", a->method, a->pattern);
		}
}

/* Every route answers its own path (a number in each parameter): no
 * earlier pattern shadows it, and the parameters are handed over. */
static void test_every_route_is_reachable(void **state)
{
	(void)state;
	req r;
	int known;
	char path[512];
	const route *rt;
	for (size_t i = 0; (rt = http_route_nth(routes(), i)); i++) {
		fill_pattern(rt->pattern, "7", path, sizeof path);
		const route *got = match(rt->method, path, &r, &known);
		if (got != rt)
			fail_msg("%s %s is answered by %s %s", rt->method, path,
				 got ? got->method : "-",
				 got ? got->pattern : "nothing");
		assert_int_equal(r.nparams, count_params(rt->pattern));
		for (int k = 0; k < r.nparams; k++)
			assert_string_equal(r.params[k], "7");
	}
}

/* Literal segments beside a {id} of the same method: the literal route
 * answers, and a number goes to {id}. */
static void test_literals_before_parameters(void **state)
{
	(void)state;
	req r;
	int known;
	const route *rt =
		match("GET", "/api/v1/platforms/compliance", &r, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/v1/platforms/compliance");
	assert_int_equal(r.nparams, 0);
	rt = match("GET", "/api/v1/children/exit-proposals", &r, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/v1/children/exit-proposals");
	rt = match("GET", "/api/v1/platforms/12", &r, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/v1/platforms/{id}");
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "12");
	rt = match("GET", "/api/v1/cases/9/timeline.pdf", &r, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/v1/cases/{id}/timeline.pdf");
}

static void test_parameters_are_whole_segments(void **state)
{
	(void)state;
	req r;
	int known;
	const route *rt = match("POST", "/api/v1/cases/42/accept", &r, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/v1/cases/{id}/{step}");
	assert_int_equal(r.nparams, 2);
	assert_string_equal(r.params[0], "42");
	assert_string_equal(r.params[1], "accept");
	rt = match("GET", "/api/v1/quarters/2024Q3/figures", &r, &known);
	assert_non_null(rt);
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "2024Q3");
	rt = match("GET", "/api/v1/regions/220122100207", &r, &known);
	assert_non_null(rt);
	assert_string_equal(r.params[0], "220122100207");
	/* the router does not decode: escapes stay as sent, for the
	 * handler's own check (req_id refuses them) */
	rt = match("GET", "/api/v1/users/%2e%2e", &r, &known);
	assert_non_null(rt);
	assert_string_equal(r.params[0], "%2e%2e");
	err e;
	int64_t id = 0;
	assert_int_equal(req_id(&r, 0, &id, &e), ERR_NOTFOUND);
}

/* 405 for a path some route has with another method, 404 for a path no
 * route has; methods are compared exactly. */
static void test_404_and_405(void **state)
{
	(void)state;
	req r;
	int known;
	assert_null(match("DELETE", "/api/v1/users/5", &r, &known));
	assert_int_equal(known, 1);
	assert_null(match("PUT", "/api/v1/health", &r, &known));
	assert_int_equal(known, 1);
	assert_null(match("get", "/api/v1/health", &r, &known));
	assert_int_equal(known, 1);
	assert_null(match("GET", "/api/v1/nothing-here", &r, &known));
	assert_int_equal(known, 0);
	assert_null(match("GET", "/api/v2/health", &r, &known));
	assert_int_equal(known, 0);
	assert_non_null(match("GET", "/api/v1/health", &r, &known));
	assert_int_equal(known, 0);
	assert_int_equal(http_status_of(ERR_METHOD), 405);
	assert_int_equal(http_status_of(ERR_NOTFOUND), 404);
	assert_int_equal(http_status_of(ERR_INVALID), 400);
	assert_int_equal(http_status_of(ERR_RATE), 429);
	assert_int_equal(http_status_of(12345), 500);
}

/* Paths an attacker sends: empty segments, trailing or doubled slashes,
 * traversal, prefixes, case, a segment too long for a parameter, and a
 * very long path: no match (or a match on one whole segment), never a
 * parameter with a slash in it. */
static void test_hostile_paths(void **state)
{
	(void)state;
	static const char *const none[] = {
		"",
		"/",
		"/api/v1",
		"/api/v1/",
		"/api/v1/users/",
		"/api/v1/users//",
		"/api/v1/users/5/",
		"//api/v1/users",
		"/api/v1//users",
		"/api/v1/users/5/../1",
		"/api/v1/users/../users/5",
		"/API/V1/USERS",
		"/api/v1/usersX",
		"/api/v1/user",
		"api/v1/users",
		"/api/v1/users?x=1",
		"/api/v1/cases/1/accept/more",
	};
	req r;
	int known;
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		const route *rt = match("GET", none[i], &r, &known);
		if (rt)
			fail_msg("GET \"%s\" matched %s", none[i], rt->pattern);
		rt = match("POST", none[i], &r, &known);
		if (rt)
			fail_msg("POST \"%s\" matched %s", none[i], rt->pattern);
	}
	/* a parameter fits 63 bytes; 64 match nothing */
	char path[256], seg[80];
	memset(seg, '1', 63);
	seg[63] = '\0';
	snprintf(path, sizeof path, "/api/v1/users/%s", seg);
	const route *rt = match("GET", path, &r, &known);
	assert_non_null(rt);
	assert_int_equal(strlen(r.params[0]), 63);
	memset(seg, '1', 64);
	seg[64] = '\0';
	snprintf(path, sizeof path, "/api/v1/users/%s", seg);
	assert_null(match("GET", path, &r, &known));
	/* 100 KB of path */
	size_t n = 100 * 1024;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, "/api/v1/users/", 14);
	memset(big + 14, 'a', n - 14);
	big[n] = '\0';
	assert_null(match("GET", big, &r, &known));
	for (size_t i = 14; i < n; i += 2)
		big[i] = '/';
	assert_null(match("GET", big, &r, &known));
	free(big);
}

/* req_id: a positive decimal id of at most 15 digits, else 404. */
static void test_req_id(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int64_t want;	/* 0: refused */
	} cases[] = {
		{ "42", 42 },	{ "1", 1 },	  { "000000000000007", 7 },
		{ "999999999999999", 999999999999999 },
		{ "0", 0 },	{ "-1", 0 },	  { "+1", 0 },
		{ "1e3", 0 },	{ " 1", 0 },	  { "1 ", 0 },
		{ "abc", 0 },	{ "", 0 },	  { "0x10", 0 },
		{ "1000000000000000", 0 },
		{ "99999999999999999999999", 0 },
		{ "１２", 0 },	/* full-width digits */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		req r;
		memset(&r, 0, sizeof r);
		snprintf(r.params[0], sizeof r.params[0], "%s", cases[i].s);
		r.nparams = 1;
		int64_t id = -5;
		err e;
		err_clear(&e);
		int rc = req_id(&r, 0, &id, &e);
		if (cases[i].want) {
			if (rc != 0 || id != cases[i].want)
				fail_msg("req_id(\"%s\") = %d, %lld", cases[i].s,
					 rc, (long long)id);
		} else {
			if (rc != ERR_NOTFOUND)
				fail_msg("req_id(\"%s\") accepted", cases[i].s);
			assert_string_equal(e.key, "not_found");
		}
	}
	/* a parameter the route does not have */
	req r;
	memset(&r, 0, sizeof r);
	int64_t id;
	err e;
	assert_int_equal(req_id(&r, 0, &id, &e), ERR_NOTFOUND);
	assert_int_equal(req_id(&r, 3, &id, &e), ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_are_well_formed),
		cmocka_unit_test(test_every_route_is_reachable),
		cmocka_unit_test(test_literals_before_parameters),
		cmocka_unit_test(test_parameters_are_whole_segments),
		cmocka_unit_test(test_404_and_405),
		cmocka_unit_test(test_hostile_paths),
		cmocka_unit_test(test_req_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
