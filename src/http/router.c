/* The router: every API module contributes one table of routes; each route
 * names its action (domain/perm.c says who may take it) and whether it
 * takes a body, so nothing about permissions hides inside handlers. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/http.h"

static const route *const route_tables[] = {
	api_health_routes, api_session_routes, api_region_routes,
	api_user_routes,   api_audit_routes,	api_child_routes,
	api_staff_routes,  api_platform_routes, api_case_routes,
	api_quality_routes, api_stats_routes, api_women_routes,
	api_export_routes, api_codes_routes,
};

const route *const *http_route_tables(size_t *n)
{
	*n = sizeof route_tables / sizeof *route_tables;
	return route_tables;
}

/* Matches one pattern; fills r->params.  Segments are compared whole. */
static int pattern_match(const char *pat, const char *path, req *r)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			const char *se = strchr(path, '/');
			size_t n = se ? (size_t)(se - path) : strlen(path);
			if (!pe || n == 0 || n >= sizeof r->params[0] ||
			    np == HTTP_MAX_PARAMS)
				return 0;
			memcpy(r->params[np], path, n);
			r->params[np][n] = '\0';
			np++;
			pat = pe + 1;
			path += n;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	r->nparams = np;
	return 1;
}

const route *http_route_match(const char *method, const char *path,
			      req *r, int *path_known)
{
	*path_known = 0;
	for (size_t t = 0; t < sizeof route_tables / sizeof *route_tables;
	     t++) {
		for (const route *rt = route_tables[t]; rt->method; rt++) {
			if (!pattern_match(rt->pattern, path, r))
				continue;
			if (strcmp(rt->method, method) == 0)
				return rt;
			*path_known = 1;
		}
	}
	return NULL;
}

const route *http_route_nth(size_t i)
{
	for (size_t t = 0; t < sizeof route_tables / sizeof *route_tables;
	     t++) {
		for (const route *rt = route_tables[t]; rt->method; rt++)
			if (i-- == 0)
				return rt;
	}
	return NULL;
}
