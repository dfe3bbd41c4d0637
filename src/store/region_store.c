#include "store/region_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/text.h"

/* The columns region_from_row reads, of `regions r`. */
#define REGION_COLS                                                        \
	"r.code, r.name, r.level, r.parent_code, r.statistical,"            \
	" EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = r.code)"

static void region_from_row(const store_res *r, int row, region *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->code, sizeof out->code, "%s",
		 store_res_text(r, row, 0));
	snprintf(out->name, sizeof out->name, "%s",
		 store_res_text(r, row, 1));
	out->level = (int)store_res_int(r, row, 2);
	const char *p = store_res_text(r, row, 3);
	snprintf(out->parent, sizeof out->parent, "%s", p ? p : "");
	out->statistical = (int)store_res_int(r, row, 4);
	out->has_children = (int)store_res_int(r, row, 5);
}

int region_store_get(store *s, const char *code, region *out, err *e)
{
	store_param p[] = { SP_S(code) };
	store_res *r;
	int rc = store_query(
		s,
		"SELECT " REGION_COLS " FROM regions r WHERE code = ?",
		p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	}
	region_from_row(r, 0, out);
	store_res_free(r);
	return 0;
}

int region_store_path(store *s, const char *code, region out[5], int *n,
		      err *e)
{
	store_param p[] = { SP_S(code) };
	store_res *r;
	int rc = store_query(
		s,
		"WITH RECURSIVE up(code, depth) AS ("
		" SELECT code, 0 FROM regions WHERE code = ?"
		" UNION ALL SELECT g.parent_code, up.depth + 1"
		" FROM regions g JOIN up ON g.code = up.code"
		" WHERE coalesce(g.parent_code, '') <> '' AND up.depth < 4)"
		" SELECT " REGION_COLS
		" FROM up JOIN regions r ON r.code = up.code"
		" ORDER BY up.depth DESC",
		p, 1, &r, e);
	if (rc)
		return rc;
	*n = store_res_rows(r);
	if (*n > 5)
		*n = 5;
	for (int i = 0; i < *n; i++)
		region_from_row(r, i, &out[i]);
	store_res_free(r);
	/* No row, or a chain that breaks off below its top: a link is not
	 * in the table. */
	if (*n == 0 || (*n < 5 && out[0].parent[0]) ||
	    strcmp(out[*n - 1].code, code) != 0) {
		*n = 0;
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	}
	return 0;
}

int region_store_path_names(store *s, const char *code,
			    char names[5][REGION_NAME_MAX], int *n, err *e)
{
	store_param p[] = { SP_S(code) };
	store_res *r;
	int rc = store_query(
		s,
		"SELECT r5.name, r4.name, r3.name, r2.name, r1.name,"
		" CASE WHEN r5.code IS NOT NULL THEN r5.parent_code"
		" WHEN r4.code IS NOT NULL THEN r4.parent_code"
		" WHEN r3.code IS NOT NULL THEN r3.parent_code"
		" WHEN r2.code IS NOT NULL THEN r2.parent_code"
		" ELSE r1.parent_code END"
		" FROM regions r1"
		" LEFT JOIN regions r2 ON r2.code = r1.parent_code"
		" LEFT JOIN regions r3 ON r3.code = r2.parent_code"
		" LEFT JOIN regions r4 ON r4.code = r3.parent_code"
		" LEFT JOIN regions r5 ON r5.code = r4.parent_code"
		" WHERE r1.code = ?",
		p, 1, &r, e);
	if (rc)
		return rc;
	*n = 0;
	if (store_res_rows(r) == 1) {
		/* columns 0..4: top (r5) to the region itself (r1); a NULL
		 * is above the top */
		for (int c = 0; c < 5; c++) {
			const char *name = store_res_text(r, 0, c);
			if (name && !store_res_isnull(r, 0, c))
				text_copy(names[(*n)++], REGION_NAME_MAX,
					  name);
		}
	}
	/* The parent of the topmost region found: the chain broke off (a
	 * link is missing) when fewer than five levels end below one. */
	const char *up = store_res_rows(r) == 1 ? store_res_text(r, 0, 5) : NULL;
	int broken = *n < 5 && up && *up && !store_res_isnull(r, 0, 5);
	store_res_free(r);
	if (*n == 0 || broken) {
		*n = 0;
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	}
	return 0;
}

int region_store_children(store *s, const char *parent, region **out, int *n,
			  err *e)
{
	store_param p[] = { SP_S(parent) };
	store_res *r;
	int rc = store_query(
		s,
		"SELECT " REGION_COLS
		" FROM regions r WHERE parent_code = ? ORDER BY code",
		p, 1, &r, e);
	if (rc)
		return rc;
	int rows = store_res_rows(r);
	region *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		region_from_row(r, i, &v[i]);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

int region_store_upsert(store *s, const region *r, err *e)
{
	store_param p[] = { SP_S(r->code), SP_S(r->name), SP_I(r->level),
			    r->parent[0] ? SP_S(r->parent) : SP_NULLV,
			    SP_I(r->statistical) };
	return store_exec(s,
			  "INSERT INTO regions (code, name, level, parent_code,"
			  " statistical) VALUES (?, ?, ?, ?, ?)"
			  " ON CONFLICT (code) DO UPDATE SET name = excluded.name",
			  p, SP_COUNT(p), NULL, e);
}

int region_store_child_codes(store *s, const char *parent, store_res **out,
			     err *e)
{
	store_param p[] = { SP_S(parent) };
	return store_query(s, "SELECT code FROM regions WHERE parent_code = ?",
			   p, 1, out, e);
}

int region_store_name_taken(store *s, const char *parent, const char *name,
			    int *taken, err *e)
{
	store_param p[] = { SP_S(parent), SP_S(name) };
	int64_t n = 0;
	int rc = store_query_int(s,
				 "SELECT count(*) FROM regions"
				 " WHERE parent_code = ? AND name = ?",
				 p, 2, &n, e);
	*taken = n > 0;
	return rc;
}

int region_store_villages(store *s, const char *lo, const char *hi,
			  store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query(s,
			   "SELECT code FROM regions WHERE code >= ? AND"
			   " code < ? AND level = 5 ORDER BY code",
			   p, 2, out, e);
}
