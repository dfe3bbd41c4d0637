#include "domain/childrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/child.h"
#include "domain/child_codes.h"
#include "domain/classify.h"
#include "domain/idcard.h"
#include "domain/perm.h"
#include "domain/privacy.h"
#include "domain/quality.h"
#include "domain/stats.h"
#include "store/child_store.h"
#include "store/staff_store.h"
#include "store/stats_store.h"
#include "util/date.h"
#include "util/jsonw.h"
#include "util/jsonx.h"
#include "util/mem.h"
#include "util/text.h"

/* ---- derived fields ---- */

static json_t *bits_json(unsigned bits, int count,
			 const char *(*code)(unsigned))
{
	json_t *a = json_array();
	for (int i = 0; i < count; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(code(1u << i)));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static void bits_write(jsonw *w, const char *key, unsigned bits, int count,
		       const char *(*code)(unsigned))
{
	jsonw_array(w, key);
	for (int i = 0; i < count; i++)
		if (bits & (1u << i))
			jsonw_str(w, NULL, code(1u << i));
	jsonw_end(w);
}

static void derived_write(jsonw *w, const child *c, const child_row *row,
			  const char *today)
{
	classify_result cr;
	classify_child(c, today, &cr);
	jsonw_int(w, "age", classify_age(c->birth_date, today));
	bits_write(w, "categories", cr.categories, CAT_COUNT,
		   classify_category_code);
	bits_write(w, "flags", cr.flags, FLAG_COUNT, classify_flag_code);
	jsonw_array(w, "classification");
	for (int i = 0; i < cr.n; i++) {
		unsigned cb = classify_category_bit(cr.reasons[i].code);
		jsonw_object(w, NULL);
		jsonw_str(w, "code", cr.reasons[i].code);
		jsonw_str(w, "kind", cb ? "category" : "flag");
		jsonw_str(w, "label",
			  cb ? classify_category_label(cb)
			     : classify_flag_label(
				       classify_flag_bit(cr.reasons[i].code)));
		jsonw_str(w, "why", cr.reasons[i].why);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_object(w, "parent_absence");
	jsonw_str_or_null(w, "father",
			  classify_parent_absence(&c->father, today));
	jsonw_str_or_null(w, "mother",
			  classify_parent_absence(&c->mother, today));
	jsonw_end(w);
	if (row->confirmed >= 0) {
		bits_write(w, "confirmed_categories", (unsigned)row->confirmed,
			   CAT_COUNT, classify_category_code);
		jsonw_str(w, "confirmed_by", row->confirmed_by);
	} else {
		jsonw_null(w, "confirmed_categories");
		jsonw_null(w, "confirmed_by");
	}
	jsonw_bool(w, "categories_confirmed",
		   row->confirmed >= 0 &&
			   (unsigned)row->confirmed == cr.categories);
}

static void time_write(jsonw *w, const char *key, int64_t t)
{
	if (!t) {
		jsonw_null(w, key);
		return;
	}
	char text[21];
	date_instant(t, text);
	jsonw_str(w, key, text);
}

/* The record as a masked role sees it (privacy.h): every ID, phone and
 * disability certificate number masked, and no birth date — the age,
 * derived from the record itself, stands for it (render_text shows it
 * null).  A birth date added to the record later (SPEC §13.1: the
 * parents', the guardian's, the grandparents') must be withheld here
 * too, and any number that holds an ID number masked. */
static void mask_child(child *c)
{
	char *ids[] = { c->id_number, c->father.id_number,
			c->mother.id_number, c->guardian.id_number,
			c->disability.certificate_no };
	char *phones[] = { c->contact_phone, c->father.phone, c->mother.phone,
			   c->guardian.phone };
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		char idm[CHILD_ID_MAX];
		if (*ids[i]) {
			privacy_mask_id(ids[i], idm);
			memcpy(ids[i], idm, strlen(idm) + 1);
		}
	}
	for (size_t i = 0; i < sizeof phones / sizeof *phones; i++) {
		char phm[CHILD_PHONE_MAX];
		if (*phones[i]) {
			privacy_mask_phone(phones[i], phm, sizeof phm);
			memcpy(phones[i], phm, strlen(phm) + 1);
		}
	}
	c->birth_date[0] = '\0';
}

/* The whole record as the API shows it to `who`, as JSON text (caller
 * frees): the record's own fields (child_to_text, nulls and all),
 * then what is derived and kept beside them.  Written, not built as a
 * tree and dumped: reading a record is the most frequent request after
 * the lists. */
static char *render_text(store *s, const actor *who, const child_row *row,
			 const child *c, const char *today, size_t *len)
{
	child shown = *c;
	char *fields;
	if (privacy_full(who, PRIVACY_RECORD)) {
		fields = child_to_text(&shown);
	} else {
		/* The masked view is read by two roles only: built as a tree,
		 * its birth date null (privacy.h). */
		mask_child(&shown);
		json_t *t = child_to_json(&shown);
		json_object_set_new(t, "birth_date", json_null());
		fields = json_dumps(t, JSON_COMPACT);
		json_decref(t);
	}
	jsonw w = JSONW_INIT;
	jsonw_continue(&w, fields);
	free(fields);
	jsonw_int(&w, "id", row->id);
	jsonw_str(&w, "status", row->status);
	derived_write(&w, c, row, today);
	jsonw_str_or_null(&w, "last_visit_date", row->last_visit);
	if (row->exit_reason[0]) {
		jsonw_object(&w, "exit");
		jsonw_str(&w, "reason", row->exit_reason);
		jsonw_str(&w, "date", row->exit_date);
		jsonw_str(&w, "note", row->exit_note);
		jsonw_end(&w);
	} else {
		jsonw_null(&w, "exit");
	}
	jsonw_int(&w, "version", row->version);
	char path[512] = "";
	region_path_text(s, row->region, path, sizeof path, NULL);
	jsonw_str(&w, "region_path", path);
	jsonw_str(&w, "region_name", row->region_name);
	jsonw_str(&w, "created_by", row->created_by);
	jsonw_str(&w, "updated_by", row->updated_by);
	time_write(&w, "created_at", row->created_at);
	time_write(&w, "updated_at", row->updated_at);
	jsonw_end(&w);
	return jsonw_steal(&w, len);
}

static json_t *render(store *s, const actor *who, const child_row *row,
		      const child *c, const char *today)
{
	size_t len;
	char *text = render_text(s, who, row, c, today, &len);
	json_t *o = json_loadb(text, len, 0, NULL);
	free(text);
	return o;
}

/* ---- loading ---- */

/* Parses stored JSON into a record.  Loading is lenient about the
 * formats that older data may break (child_parse_stored): validation
 * belongs to writes, and a record failing Q03 or Q10 must still open so
 * that it can be fixed.  Any other failure here is corruption. */
static int row_child(const child_row *row, child *c, err *e)
{
	json_error_t je;
	json_t *d = json_loads(row->data, 0, &je);
	memset(c, 0, sizeof *c);
	int rc = d ? child_parse_stored(d, c, e)
		   : err_set(e, ERR_STORE, "store_error", "档案数据损坏");
	json_decref(d);
	c->id = row->id;
	c->open_abuse_case = row->open_cases > 0;
	return rc;
}

static int load(store *s, const actor *who, int64_t id, child_row *row,
		child *c, err *e)
{
	int rc = child_store_get(s, id, row, e);
	if (rc)
		return rc;
	if (who->u && !region_in_scope(who->u->region, row->region)) {
		char where[sizeof row->region];
		snprintf(where, sizeof where, "%s", row->region);
		child_row_clear(row);
		return err_out_of_scope(e, where,
					"儿童档案不存在或不在您的管辖范围内");
	}
	if ((rc = row_child(row, c, e)))
		child_row_clear(row);
	return rc;
}

/* Refreshes the stored columns that lists filter on. */
static void fill_row(child_row *row, const child *c)
{
	classify_result cr;
	text_copy(row->region, sizeof row->region, c->region);
	text_copy(row->name, sizeof row->name, c->name);
	row->sex = c->sex;
	text_copy(row->birth_date, sizeof row->birth_date, c->birth_date);
	text_copy(row->id_number, sizeof row->id_number, c->id_number);
	text_copy(row->guardian_name, sizeof row->guardian_name,
		  c->guardian.present ? c->guardian.name : "");
	text_copy(row->contact_phone, sizeof row->contact_phone,
		  c->contact_phone);
	row->cat_base = classify_base(c);
	row->qflags = quality_static(c);
	classify_child(c, "2000-01-01", &cr);
	row->flags = cr.flags;
	free(row->data);
	row->data = child_stored_text(c);
}

/* The names of the changed fields, without their values: what the audit
 * log may say about a change to a child (the values stay in the
 * record's history, inside the scope). */
static json_t *changed_fields(json_t *changes)
{
	json_t *names = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(changes, i, v)
		json_array_append(names, json_object_get(v, "field"));
	return json_pack("{s:o}", "fields", names);
}

static int write_audit(store *s, const actor *who, const char *action,
		       const child_row *row, json_t *detail, err *e)
{
	char target[32];
	snprintf(target, sizeof target, "child:%lld", (long long)row->id);
	char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	audit_entry a = { .at = who->now,
			  .actor = actor_name(who),
			  .action = action,
			  .target = target,
			  .region_code = row->region,
			  .ip = who->ip,
			  .detail = d };
	int rc = audit_append(s, &a, e);
	free(d);
	return rc;
}

/* Records version row->version (already stored) with its changes.  A
 * record's first version is written to the history only when it is first
 * changed, from `before` (the first version's data): a record that never
 * changes costs one row, not two, which is what a large import needs. */
static int write_history(store *s, const actor *who, const child_row *row,
			 const char *action, json_t *changes,
			 const char *before, err *e)
{
	int rc = 0;
	if (row->version == 2)
		rc = child_store_history_first(s, row->id, row->created_at,
					       row->created_by, before, e);
	if (rc)
		return rc;
	char *ch = json_dumps(changes, JSON_COMPACT);
	rc = child_store_history_add(s, row->id, row->version, who->now,
				     actor_name(who), action, ch, row->data, e);
	free(ch);
	return rc;
}

/* The village a record lives in: in scope, at village level. */
static int check_village(store *s, const actor *who, const char *code,
			 region *g, err *e)
{
	int rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code, g, e);
	if (rc) {
		if (e)
			snprintf(e->field, sizeof e->field, "region_code");
		return rc;
	}
	if (g->level != REGION_VILLAGE)
		return err_field(e, ERR_INVALID, "invalid_field", "region_code",
				 "居住地应为村（社区）");
	return 0;
}

/* An ID number active on another record: inside the scope, name the
 * record; outside, say only that it is registered elsewhere. */
static int check_duplicate(store *s, const actor *who, const char *idn,
			   int64_t self, err *e)
{
	if (!*idn)
		return 0;
	int64_t other;
	char where[REGION_CODE_MAX];
	int rc = child_store_find_active(s, idn, self, &other, where, e);
	if (rc || other == 0)
		return rc;
	if (!who->u || region_in_scope(actor_scope(who), where))
		return err_field(e, ERR_CONFLICT, "duplicate_id_number",
				 "id_number",
				 "该身份证号已登记在档案 #%lld 中",
				 (long long)other);
	return err_field(e, ERR_CONFLICT, "registered_elsewhere", "id_number",
			 "该儿童已在其他地区登记。请与原登记地联系办理迁移，"
			 "由原登记地发起迁移后在此接收");
}

/* ---- create, read, update ---- */

/* The slot of `code` in cache->slot: where it is, or the empty one where
 * it would go (open addressing; the table is at most half full). */
static unsigned village_slot(const childrec_regions *cache, const char *code)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 16777619u;
	const unsigned n = sizeof cache->slot / sizeof *cache->slot;
	unsigned i = h % n;
	while (cache->slot[i] && strcmp(cache->r[cache->slot[i] - 1].code, code))
		i = (i + 1) % n;
	return i;
}

/* check_village through the cache: only successes are remembered, so an
 * error is reported the same way every time. */
static int cached_village(store *s, const actor *who, childrec_regions *cache,
			  const char *code, region *g, err *e)
{
	_Static_assert(sizeof cache->r / sizeof *cache->r <=
			       sizeof cache->slot / sizeof *cache->slot / 2,
		       "the slot table stays at most half full");
	unsigned i = cache ? village_slot(cache, code) : 0;
	if (cache && cache->slot[i]) {
		*g = cache->r[cache->slot[i] - 1];
		return 0;
	}
	int rc = check_village(s, who, code, g, e);
	if (rc == 0 && cache &&
	    cache->n < (int)(sizeof cache->r / sizeof *cache->r) &&
	    strcmp(g->code, code) == 0) {
		cache->r[cache->n++] = *g;
		cache->slot[i] = (unsigned short)cache->n;
	}
	return rc;
}

int childrec_prepare(store *s, const actor *who, json_t *body, child *c,
		     child_row *row, err *e)
{
	return childrec_prepare_cached(s, who, body, NULL, c, row, e);
}

/* The checks that need no store, from the JSON `body` or, when body is
 * NULL, from `cells`: role, parsing, the record's own rules. */
static int check(const actor *who, json_t *body, const child_cells *cells,
		 child *c, err *e)
{
	char today[11];
	memset(c, 0, sizeof *c);
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)) ||
	    (rc = body ? child_parse(body, c, e)
		       : child_parse_cells(cells, c, e)) ||
	    (rc = child_validate(c, today, e)))
		return rc;
	return 0;
}

/* The rest of preparing a checked record: its village and hukou region
 * through the cache, then the row.  `filled`: fill_row has already run
 * on the record as it was before its region codes were resolved, and is
 * run again only if resolving changed them. */
static int prepare_checked(store *s, const actor *who,
			   childrec_regions *cache, child *c, child_row *row,
			   int filled, err *e)
{
	region g;
	int rc;
	if ((rc = cached_village(s, who, cache, c->region, &g, e)))
		return rc;
	int same = strcmp(c->region, g.code) == 0;
	if (c->hukou_region[0]) {
		region hg;
		int hit = -1;
		for (int i = 0; cache && i < cache->nh && hit < 0; i++)
			if (!strcmp(cache->hin[i], c->hukou_region))
				hit = i;
		if (hit >= 0)
			hg = cache->h[hit];
		else if ((rc = region_resolve(s, NULL, c->hukou_region, &hg, e))) {
			if (rc == ERR_NOTFOUND)
				return err_field(e, ERR_INVALID,
						 "invalid_region",
						 "hukou_region",
						 "户籍地区划不存在");
			if (e)
				snprintf(e->field, sizeof e->field,
					 "hukou_region");
			return rc;
		} else if (cache && cache->nh < 64) {
			snprintf(cache->hin[cache->nh], REGION_CODE_MAX, "%s",
				 c->hukou_region);
			cache->h[cache->nh++] = hg;
		}
		same &= strcmp(c->hukou_region, hg.code) == 0;
		text_copy(c->hukou_region, sizeof c->hukou_region, hg.code);
	}
	text_copy(c->region, sizeof c->region, g.code);
	text_copy(row->status, sizeof row->status, "active");
	text_copy(row->region_name, sizeof row->region_name, g.name);
	row->confirmed = -1;
	row->created_at = row->updated_at = who->now;
	text_copy(row->created_by, sizeof row->created_by, actor_name(who));
	text_copy(row->updated_by, sizeof row->updated_by, actor_name(who));
	if (!filled || !same)
		fill_row(row, c);
	return 0;
}

int childrec_prepare_cached(store *s, const actor *who, json_t *body,
			    childrec_regions *cache, child *c, child_row *row,
			    err *e)
{
	memset(row, 0, sizeof *row);
	int rc = check(who, body, NULL, c, e);
	return rc ? rc : prepare_checked(s, who, cache, c, row, 0, e);
}

int childrec_check_cells(const actor *who, const child_cells *cells,
			 child *c, child_row *row, err *e)
{
	memset(row, 0, sizeof *row);
	int rc = check(who, NULL, cells, c, e);
	if (rc == 0)
		fill_row(row, c);
	return rc;
}

int childrec_prepare_checked(store *s, const actor *who,
			     childrec_regions *cache, child *c,
			     child_row *row, err *e)
{
	return prepare_checked(s, who, cache, c, row, 1, e);
}

int childrec_find_duplicate(store *s, const actor *who, const child *c,
			    int64_t *other, int *outside, err *e)
{
	char where[REGION_CODE_MAX];
	int rc = c->id_number[0]
			 ? child_store_find_active(s, c->id_number, 0, other,
						   where, e)
			 : child_store_find_same(s, c->name, c->birth_date,
						 c->region, other, where, e);
	*outside = rc == 0 && *other && who->u &&
		   !region_in_scope(actor_scope(who), where);
	return rc;
}

int childrec_find_duplicates(store *s, const actor *who,
			     const char *const *nums, int n, int64_t *other,
			     int *outside, err *e)
{
	char where[CHILD_FIND_MANY][REGION_CODE_MAX];
	int rc = child_store_find_active_many(s, nums, n, other, where, e);
	for (int i = 0; rc == 0 && i < n; i++)
		outside[i] = other[i] && who->u &&
			     !region_in_scope(actor_scope(who), where[i]);
	return rc;
}

int childrec_insert_prepared(store *s, const actor *who, child_row *row,
			     err *e)
{
	/* The first version goes to the history when it is first changed
	 * (write_history); until then the record itself is that version. */
	(void)who;
	return child_store_insert(s, row, e);
}

int childrec_insert_batch(store *s, const actor *who, child_row *const *rows,
			  int n, err *e)
{
	(void)who;
	return child_store_insert_batch(s, rows, n, e);
}

int childrec_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e)
{
	char today[11];
	child c;
	child_row row;
	date_of(who->now, today);
	int rc = childrec_prepare(s, who, body, &c, &row, e);
	if (rc)
		goto done;
	if ((rc = store_begin(s, e)))
		goto done;
	/* The audit entry names the record, not the child: auditors read
	 * the log and must never see identities (SPEC §1). */
	if ((rc = check_duplicate(s, who, c.id_number, 0, e)) ||
	    (rc = childrec_insert_prepared(s, who, &row, e)) ||
	    (rc = write_audit(s, who, "child_create", &row, json_object(),
			      e)) ||
	    (rc = store_commit(s, e)))
		store_rollback(s);
	/* Lost a race for the same ID number to a record created after our
	 * check: look again, so that one outside the scope is reported as
	 * "registered elsewhere" like any other. */
	if (rc == ERR_CONFLICT && e && !strcmp(e->key, "duplicate_id_number")) {
		int again = check_duplicate(s, who, c.id_number, 0, e);
		if (again)
			rc = again;
	}
	if (rc == 0)
		*out = render(s, who, &row, &c, today);
done:
	child_row_clear(&row);
	return rc;
}

typedef struct read_audit {
	const actor *who;
	const child_row *row;
} read_audit;

static int audit_read(store *s, void *arg, err *e)
{
	const read_audit *ra = arg;
	return write_audit(s, ra->who, "child_read", ra->row, json_object(),
			   e);
}

int childrec_get_text(store *s, const actor *who, int64_t id, char **text,
		      size_t *len, err *e)
{
	char today[11];
	child_row row;
	child c;
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_READ, e)) ||
	    (rc = load(s, who, id, &row, &c, e)))
		return rc;
	/* SPEC §10: every read of a full record is audited, in a
	 * transaction shared with other reads' entries arriving meanwhile:
	 * one commit, a few pages of WAL, for all of them. */
	read_audit ra = { who, &row };
	if ((rc = store_batched(s, audit_read, &ra, e)) == 0)
		*text = render_text(s, who, &row, &c, today, len);
	child_row_clear(&row);
	return rc;
}

/* An answer written as text (rc its writer's result), read back as JSON
 * for the callers that work on a tree (exports, PDFs, the watch list). */
static int text_json(int rc, char *text, size_t len, json_t **out, err *e)
{
	if (rc)
		return rc;
	*out = json_loadb(text, len, 0, NULL);
	free(text);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "internal", "服务器内部错误");
}

int childrec_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc = childrec_get_text(s, who, id, &text, &len, e);
	return text_json(rc, text, len, out, e);
}

int childrec_update(store *s, const actor *who, int64_t id, json_t *patch,
		    int version, json_t **out, err *e)
{
	char today[11];
	child_row row;
	child old, c;
	region g;
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)) ||
	    (rc = load(s, who, id, &row, &old, e)))
		return rc;
	json_t *before = child_to_json(&old), *merged = NULL, *after = NULL,
	       *changes = NULL;
	if (strcmp(row.status, "active") != 0) {
		rc = err_set(e, ERR_CONFLICT, "record_exited",
			     "该档案已退出，不能修改");
		goto done;
	}
	if (version > 0 && version != row.version) {
		rc = err_set(e, ERR_CONFLICT, "version_conflict",
			     "该记录已被他人修改，请刷新后重试");
		goto done;
	}
	/* A move to another village is a transfer, not an edit. */
	json_t *rc_new = json_object_get(patch, "region_code");
	if (rc_new && !(json_is_string(rc_new) &&
			strcmp(json_string_value(rc_new), row.region) == 0)) {
		rc = err_field(e, ERR_INVALID, "use_transfer", "region_code",
			       "更换居住村请使用“迁移”功能");
		goto done;
	}
	merged = child_merge_patch(before, patch);
	memset(&c, 0, sizeof c);
	if ((rc = child_parse(merged, &c, e)) ||
	    (rc = child_validate(&c, today, e)) ||
	    (rc = check_village(s, who, c.region, &g, e)))
		goto done;
	after = child_to_json(&c);
	changes = child_diff(before, after);
	if (json_array_size(changes) == 0) {
		*out = render(s, who, &row, &old, today);
		goto done;
	}
	char *before_text = json_dumps(before, JSON_COMPACT);
	fill_row(&row, &c);
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	if ((rc = store_begin(s, e)))
		goto done;
	if ((rc = check_duplicate(s, who, c.id_number, row.id, e)) ||
	    (rc = child_store_update(s, &row, e)) ||
	    (rc = write_history(s, who, &row, "update", changes, before_text,
				e)) ||
	    (rc = write_audit(s, who, "child_update", &row,
			      changed_fields(changes), e)) ||
	    (rc = store_commit(s, e)))
		store_rollback(s);
	free(before_text);
	if (rc == 0)
		*out = render(s, who, &row, &c, today);
done:
	json_decref(before);
	json_decref(merged);
	json_decref(after);
	json_decref(changes);
	child_row_clear(&row);
	return rc;
}

int childrec_history(store *s, const actor *who, int64_t id, json_t **out,
		     err *e)
{
	child_row row;
	child c;
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_READ, e)) ||
	    (rc = load(s, who, id, &row, &c, e)))
		return rc;
	if ((rc = child_store_history(s, id, &r, e))) {
		child_row_clear(&row);
		return rc;
	}
	int mask = !privacy_full(who, PRIVACY_RECORD);
	json_t *items = json_array();
	/* A record never changed has no history rows yet: its first version
	 * is the record itself. */
	if (store_res_rows(r) == 0)
		json_array_append_new(
			items, json_pack("{s:i, s:o, s:s, s:s, s:[]}", "version", 1,
					 "at", jsonx_time(row.created_at),
					 "actor", row.created_by, "action",
					 "create", "changes"));
	child_row_clear(&row);
	for (int i = 0; i < store_res_rows(r); i++) {
		json_t *ch = json_loads(store_res_text(r, i, 4), 0, NULL);
		if (!ch)
			ch = json_array();
		if (mask) {
			/* Masked roles see that an identity field changed,
			 * not its values (the birth date among them: it is
			 * the hidden part of the ID number). */
			size_t k;
			json_t *v;
			json_array_foreach(ch, k, v) {
				const char *f = json_string_value(
					json_object_get(v, "field"));
				if (f && privacy_hidden_field(f)) {
					json_object_set_new(v, "before",
							    json_string("***"));
					json_object_set_new(v, "after",
							    json_string("***"));
				}
			}
		}
		json_array_append_new(
			items,
			json_pack("{s:I, s:o, s:s, s:s, s:o}", "version",
				  (json_int_t)store_res_int(r, i, 0), "at",
				  jsonx_time(store_res_int(r, i, 1)), "actor",
				  store_res_text(r, i, 2), "action",
				  store_res_text(r, i, 3), "changes", ch));
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* ---- lists ---- */

static int parse_int_param(const char *v, const char *field, int lo, int hi,
			   int *out, err *e)
{
	if (!v)
		return 0;
	if (!text_is_digits(v) || strlen(v) > 5 || atoi(v) < lo ||
	    atoi(v) > hi)
		return err_field(e, ERR_INVALID, "invalid_query", field,
				 "参数 %s 应为%d至%d的整数", field, lo, hi);
	*out = atoi(v);
	return 0;
}

/* The total of a list of active records of a county or above filtered by
 * region alone, or by one category or one flag: the dashboard's
 * per-village figures hold it
 * (exact and current, see stats_refresh), which saves counting a county's
 * tens of thousands of index entries for every page.  0: count instead. */
/* The last few kept totals this thread read, with the connection and
 * its change mark at the time: a county's list pages through one total
 * (a sum over its few hundred villages, a third of the request) that
 * stays right until something is written. */
typedef struct total_memo {
	store_mark mark;
	int col;
	char lo[REGION_CODE_MAX], today[11];
	int64_t total;
} total_memo;

static _Thread_local total_memo memos[4];
static _Thread_local unsigned memo_next;

static int64_t kept_total(store *s, const actor *who, const child_filter *f,
			  const char *scope)
{
	if (strcmp(f->status, "active") ||
	    (f->cat_bit && f->flag_bit) ||
	    f->birth_after || f->birth_max || f->visit_before ||
	    f->name_like || f->id_lo || f->no_guardian)
		return 0;
	int col = 0; /* active */
	for (int b = 0; b < CAT_COUNT; b++)
		if (f->cat_bit == 1u << b)
			col = 1 + b;
	for (int b = 0; b < FLAG_COUNT; b++)
		if (f->flag_bit == 1u << b)
			col = 7 + b;
	char today[11];
	date_of(who->now, today);
	store_mark mark, after;
	int marked = store_change_mark(s, &mark) == 0;
	/* Below a county counting the index is cheaper than the two
	 * queries of the kept figures, unless they can be reused. */
	if (strlen(scope) > 6 && !marked)
		return 0;
	for (int i = 0; marked && i < 4; i++) {
		const total_memo *m = &memos[i];
		if (!memcmp(&m->mark, &mark, sizeof mark) && m->col == col &&
		    !strcmp(m->lo, f->lo) && !strcmp(m->today, today))
			return m->total;
	}
	int64_t total = 0, stale = 0;
	if (stats_store_total(s, f->lo, f->hi, col, today, &total, &stale,
			      NULL) != 0)
		return 0;
	if (stale && (stats_refresh(s, f->lo, f->hi, who->now, NULL, NULL) != 0 ||
		      stats_store_total(s, f->lo, f->hi, col, today, &total,
					&stale, NULL) != 0 ||
		      stale))
		return 0;
	if (marked && store_change_mark(s, &after) == 0 &&
	    !memcmp(&mark, &after, sizeof mark)) {
		total_memo *m = &memos[memo_next++ % 4];
		*m = (total_memo){ .mark = mark, .col = col, .total = total };
		snprintf(m->lo, sizeof m->lo, "%s", f->lo);
		snprintf(m->today, sizeof m->today, "%s", today);
	}
	return total;
}

/* The page of rows a list query asks for, and the total. */
static int list_rows(store *s, const actor *who, const childrec_query *q,
		     const char *today, child_row **rows, int *nrows,
		     int64_t *total, err *e)
{
	child_filter f;
	int rc;
	memset(&f, 0, sizeof f);
	if ((rc = perm_need(who, PERM_CHILD_READ, e)))
		return rc;
	const char *scope = actor_scope(who);
	region g;
	if (q->region) {
		if ((rc = region_resolve(s, who->u ? scope : NULL, q->region, &g,
					 e)))
			return rc;
		scope = g.code;
	}
	region_scope_range(scope, f.lo, f.hi);
	f.status = "active";
	if (q->status) {
		if (strcmp(q->status, "active") && strcmp(q->status, "exited"))
			return err_field(e, ERR_INVALID, "invalid_query",
					 "status", "状态应为 active 或 exited");
		f.status = q->status;
	}
	if (q->category) {
		f.cat_bit = classify_category_bit(q->category);
		if (!f.cat_bit)
			return err_field(e, ERR_INVALID, "invalid_query",
					 "category", "分类代码无效");
		date_years_before(today, classify_age_limit(f.cat_bit),
				  f.cat_threshold);
	}
	if (q->flag && !(f.flag_bit = classify_flag_bit(q->flag)))
		return err_field(e, ERR_INVALID, "invalid_query", "flag",
				 "重点对象标记代码无效");
	int amin = -1, amax = -1, days = -1;
	char bmin[11], bmax[11], vb[11];
	if ((rc = parse_int_param(q->age_min, "age_min", 0, 30, &amin, e)) ||
	    (rc = parse_int_param(q->age_max, "age_max", 0, 30, &amax, e)) ||
	    (rc = parse_int_param(q->not_visited_days, "not_visited_days", 1,
				  3650, &days, e)))
		return rc;
	/* age >= amin  ⟺  born on or before the amin threshold;
	 * age <= amax  ⟺  born after the amax + 1 threshold. */
	if (amin >= 0) {
		date_years_before(today, amin, bmin);
		f.birth_max = bmin;
	}
	if (amax >= 0) {
		date_years_before(today, amax + 1, bmax);
		f.birth_after = bmax;
	}
	if (days > 0) {
		date_minus_days(today, days, vb);
		f.visit_before = vb;
	}
	char like[200], idlo[19], idhi[20];
	if (q->q && *q->q) {
		size_t n = strlen(q->q);
		if (n > 60 || !text_valid_name(q->q, 1, 20))
			return err_field(e, ERR_INVALID, "invalid_query", "q",
					 "搜索词应为1至20个字符");
		int idlike = n >= 4 && n <= 18;
		for (size_t i = 0; i < n && idlike; i++)
			idlike = (q->q[i] >= '0' && q->q[i] <= '9') ||
				 ((q->q[i] == 'X' || q->q[i] == 'x') &&
				  i == 17);
		/* A number searched for confirms the digits the mask hides,
		 * one prefix at a time (privacy.h). */
		if (idlike && !privacy_full(who, PRIVACY_LIST))
			return err_field(e, ERR_FORBIDDEN, "forbidden", "q",
					 "您看到的身份证号是部分隐藏的，不能按身份证号"
					 "查找，请按姓名查找");
		if (idlike) {
			idcard_normalize(q->q, idlo);
			snprintf(idhi, sizeof idhi, "%s:", idlo);
			f.id_lo = idlo;
			f.id_hi = idhi;
		} else {
			text_like_pattern(q->q, like, sizeof like);
			f.name_like = like;
		}
	}
	static const struct {
		const char *name;
		enum child_sort sort;
	} sorts[] = { { "id", CHILD_SORT_ID },
		      { "name", CHILD_SORT_NAME },
		      { "birth_date", CHILD_SORT_BIRTH },
		      { "last_visit", CHILD_SORT_VISIT },
		      { "region", CHILD_SORT_REGION } };
	f.sort = CHILD_SORT_REGION;
	if (q->sort) {
		size_t i;
		for (i = 0; i < sizeof sorts / sizeof *sorts; i++)
			if (strcmp(sorts[i].name, q->sort) == 0)
				break;
		if (i == sizeof sorts / sizeof *sorts)
			return err_field(e, ERR_INVALID, "invalid_query",
					 "sort", "排序字段无效");
		f.sort = sorts[i].sort;
	}
	/* A child's place among many sorted by birth date dates it to
	 * within days: the part of the ID number the mask hides. */
	if (f.sort == CHILD_SORT_BIRTH && !privacy_full(who, PRIVACY_LIST))
		return err_field(e, ERR_FORBIDDEN, "forbidden", "sort",
				 "出生日期按您的权限不显示，不能按出生日期排序");
	if (q->order && strcmp(q->order, "asc") && strcmp(q->order, "desc"))
		return err_field(e, ERR_INVALID, "invalid_query", "order",
				 "排序方向应为 asc 或 desc");
	f.desc = q->order && strcmp(q->order, "desc") == 0;
	f.offset = q->offset;
	f.limit = q->limit;
	f.no_guardian = q->no_guardian;
	f.known_total = kept_total(s, who, &f, scope);
	f.columns_only = 1;
	return child_store_list(s, &f, rows, nrows, total, e);
}

int childrec_list_text(store *s, const actor *who, const childrec_query *q,
		       char **text, size_t *len, err *e)
{
	char today[11];
	child_row *rows;
	int n;
	int64_t total;
	date_of(who->now, today);
	int rc = list_rows(s, who, q, today, &rows, &n, &total, e);
	if (rc)
		return rc;
	int see = privacy_full(who, q->kind),
	    see_id = privacy_id_full(who, q->kind);
	jsonw w = JSONW_INIT;
	jsonw_object(&w, NULL);
	jsonw_array(&w, "items");
	for (int i = 0; i < n; i++) {
		/* Lists are built from the row's columns alone: no record's
		 * JSON is parsed.  Categories are the stored age-free bits
		 * whose age limit the child is still under (classify.h). */
		child_row *r = &rows[i];
		int age = classify_age(r->birth_date, today);
		unsigned cats = 0;
		for (int b = 0; b < CAT_COUNT; b++)
			if ((r->cat_base & (1u << b)) && age >= 0 &&
			    age < classify_age_limit(1u << b))
				cats |= 1u << b;
		char idm[19], ph[CHILD_PHONE_MAX];
		snprintf(idm, sizeof idm, "%s", r->id_number);
		snprintf(ph, sizeof ph, "%s", r->contact_phone);
		if (!see_id)
			privacy_mask_id(r->id_number, idm);
		if (!see)
			privacy_mask_phone(r->contact_phone, ph, sizeof ph);
		jsonw_object(&w, NULL);
		jsonw_int(&w, "id", r->id);
		jsonw_str(&w, "name", r->name);
		jsonw_str(&w, "sex", code_of(child_sex_codes, r->sex));
		/* Beside a masked number, the age alone (privacy.h). */
		jsonw_str_or_null(&w, "birth_date", see_id ? r->birth_date : "");
		jsonw_int(&w, "age", age);
		jsonw_str_or_null(&w, "id_number", idm);
		jsonw_str(&w, "region_code", r->region);
		jsonw_str(&w, "region_name", r->region_name);
		bits_write(&w, "categories", cats, CAT_COUNT,
			   classify_category_code);
		bits_write(&w, "flags", r->flags, FLAG_COUNT,
			   classify_flag_code);
		jsonw_str_or_null(&w, "last_visit_date", r->last_visit);
		jsonw_str_or_null(&w, "guardian_name", r->guardian_name);
		jsonw_str_or_null(&w, "contact_phone", ph);
		jsonw_str(&w, "status", r->status);
		jsonw_end(&w);
		child_row_clear(r);
	}
	free(rows);
	jsonw_end(&w);
	jsonw_int(&w, "total", total);
	jsonw_str(&w, "as_of", today);
	jsonw_end(&w);
	*text = jsonw_steal(&w, len);
	return 0;
}

int childrec_list(store *s, const actor *who, const childrec_query *q,
		  json_t **out, err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc = childrec_list_text(s, who, q, &text, &len, e);
	return text_json(rc, text, len, out, e);
}

/* ---- confirmation and exits ---- */

int childrec_confirm(store *s, const actor *who, int64_t id, json_t **out,
		     err *e)
{
	char today[11];
	child_row row;
	child c;
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_CONFIRM, e)) ||
	    (rc = load(s, who, id, &row, &c, e)))
		return rc;
	classify_result cr;
	classify_child(&c, today, &cr);
	json_t *before = bits_json(row.confirmed >= 0 ? (unsigned)row.confirmed
						      : 0,
				   CAT_COUNT, classify_category_code);
	json_t *after = bits_json(cr.categories, CAT_COUNT,
				  classify_category_code);
	json_t *changes = json_pack("[{s:s, s:o, s:o}]", "field",
				    "confirmed_categories", "before", before,
				    "after", after);
	row.confirmed = cr.categories;
	snprintf(row.confirmed_by, sizeof row.confirmed_by, "%s",
		 actor_name(who));
	row.confirmed_at = who->now;
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = child_store_update(s, &row, e)) ||
		    (rc = write_history(s, who, &row, "confirm", changes,
					row.data, e)) ||
		    (rc = write_audit(s, who, "child_confirm", &row,
				      json_pack("{s:O}", "categories",
						json_array_get(changes, 0)),
				      e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	json_decref(changes);
	if (rc == 0)
		*out = render(s, who, &row, &c, today);
	child_row_clear(&row);
	return rc;
}

int childrec_exit(store *s, const actor *who, int64_t id, const char *reason,
		  const char *date, const char *note, json_t **out, err *e)
{
	char today[11];
	child_row row;
	child c;
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	if (code_value(child_exit_reason_codes, reason) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "reason",
				 "退出原因应为 aged_out、parents_returned、"
				 "moved_away、died 或 other");
	if (!child_date_valid(date) || strcmp(date, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "date",
				 "退出日期应为不晚于今天的有效日期");
	if (note && !text_valid_text(note, 0, 150))
		return err_field(e, ERR_INVALID, "invalid_field", "note",
				 "说明过长或含有非法字符");
	if (strcmp(reason, "other") == 0 && (!note || !text_valid_text(note, 2, 150)))
		return err_field(e, ERR_INVALID, "missing_field", "note",
				 "退出原因为“其他”时须填写说明");
	if ((rc = load(s, who, id, &row, &c, e)))
		return rc;
	if (strcmp(row.status, "active") != 0) {
		child_row_clear(&row);
		return err_set(e, ERR_CONFLICT, "record_exited",
			       "该档案已退出");
	}
	int64_t pending;
	if ((rc = child_store_transfer_pending(s, id, &pending, e)) ||
	    (pending &&
	     (rc = err_set(e, ERR_CONFLICT, "transfer_pending",
			   "该儿童有待接收的迁移，请先处理迁移")))) {
		child_row_clear(&row);
		return rc;
	}
	if (strcmp(date, row.birth_date) < 0) {
		child_row_clear(&row);
		return err_field(e, ERR_INVALID, "invalid_field", "date",
				 "退出日期不能早于出生日期");
	}
	snprintf(row.status, sizeof row.status, "exited");
	snprintf(row.exit_reason, sizeof row.exit_reason, "%s", reason);
	snprintf(row.exit_date, sizeof row.exit_date, "%s", date);
	snprintf(row.exit_note, sizeof row.exit_note, "%s", note ? note : "");
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	json_t *changes = json_pack(
		"[{s:s, s:s, s:s}, {s:s, s:n, s:s}]", "field", "status",
		"before", "active", "after", "exited", "field", "exit_reason",
		"before", "after", code_label(child_exit_reason_codes,
					      code_value(child_exit_reason_codes,
							 reason)));
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = child_store_update(s, &row, e)) ||
		    (rc = write_history(s, who, &row, "exit", changes,
					row.data, e)) ||
		    (rc = write_audit(s, who, "child_exit", &row,
				      json_pack("{s:s, s:s}", "reason", reason,
						"date", date),
				      e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	json_decref(changes);
	if (rc == 0)
		*out = render(s, who, &row, &c, today);
	child_row_clear(&row);
	return rc;
}

/* ---- the whole numbers on demand, the copy for a phone ---- */

static json_t *id_or_null(const char *v)
{
	return v && *v ? json_string(v) : json_null();
}

int childrec_reveal(store *s, const actor *who, int64_t id, json_t **out,
		    err *e)
{
	child_row row;
	child c;
	int rc;
	if ((rc = perm_need(who, PERM_IDENTITY_READ, e)) ||
	    (rc = perm_need(who, PERM_CHILD_READ, e)) ||
	    (rc = load(s, who, id, &row, &c, e)))
		return rc;
	if ((rc = store_begin(s, e)) == 0 &&
	    ((rc = write_audit(s, who, "identity_reveal", &row, json_object(),
			       e)) ||
	     (rc = store_commit(s, e))))
		store_rollback(s);
	child_row_clear(&row);
	if (rc)
		return rc;
	*out = json_pack(
		"{s:o, s:{s:o}, s:{s:o}, s:o, s:o}", "id_number",
		id_or_null(c.id_number), "father", "id_number",
		id_or_null(c.father.id_number), "mother", "id_number",
		id_or_null(c.mother.id_number), "guardian",
		c.guardian.present
			? json_pack("{s:o}", "id_number",
				    id_or_null(c.guardian.id_number))
			: json_null(),
		"disability",
		c.disability.present
			? json_pack("{s:o}", "certificate_no",
				    id_or_null(c.disability.certificate_no))
			: json_null());
	return 0;
}

/* The name a visit form starts with: the director in post in the
 * caller's village, the account's display name when there is none (or
 * it is someone else's post). */
static void visitor_name(store *s, const actor *who, char *out, size_t n)
{
	snprintf(out, n, "%s", who->u->display_name);
	staff_filter f;
	memset(&f, 0, sizeof f);
	region_scope_range(who->u->region, f.lo, f.hi);
	f.post = "director";
	f.status = "active";
	f.limit = 2;
	staff_row *rows = NULL;
	int nrows = 0;
	int64_t total = 0;
	err ignored;
	if (staff_store_list(s, &f, &rows, &nrows, &total, &ignored) != 0)
		return;
	if (nrows == 1 && (rows[0].user_id == who->u->id || !rows[0].user_id))
		snprintf(out, n, "%s", rows[0].name);
	free(rows);
}

int childrec_offline_text(store *s, const actor *who, char **text,
			  size_t *len, err *e)
{
	char today[11], visitor[128];
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_OFFLINE, e)))
		return rc;
	if (!who->u)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "命令行没有设备副本");
	date_of(who->now, today);
	/* One snapshot for the whole copy: records and visits agree. */
	if ((rc = store_begin_read(s, e)))
		return rc;
	childrec_query q = { .status = "active", .sort = "id",
			     .limit = CHILDREC_OFFLINE_MAX + 1 };
	child_row *rows = NULL;
	int n = 0;
	int64_t total = 0;
	if ((rc = list_rows(s, who, &q, today, &rows, &n, &total, e))) {
		store_rollback(s);
		return rc;
	}
	if (total > CHILDREC_OFFLINE_MAX) {
		for (int i = 0; i < n; i++)
			child_row_clear(&rows[i]);
		free(rows);
		store_rollback(s);
		return err_set(e, ERR_TOOBIG, "too_many_records",
			       "管辖范围内的档案超过%d份，不能全部存到本机",
			       CHILDREC_OFFLINE_MAX);
	}
	visitor_name(s, who, visitor, sizeof visitor);
	jsonw w = JSONW_INIT, v = JSONW_INIT;
	jsonw_object(&w, NULL);
	jsonw_str(&w, "as_of", today);
	jsonw_str(&w, "region_code", who->u->region);
	jsonw_str(&w, "visitor", visitor);
	jsonw_array(&w, "items");
	jsonw_array(&v, NULL);
	for (int i = 0; i < n; i++) {
		child_row row;
		child c;
		store_res *r = NULL;
		if (rc == 0 && (rc = load(s, who, rows[i].id, &row, &c, e)) == 0) {
			size_t tl;
			char *t = render_text(s, who, &row, &c, today, &tl);
			jsonw_raw(&w, NULL, t, tl);
			free(t);
			child_row_clear(&row);
		}
		if (rc == 0 && (rc = child_store_visits(s, rows[i].id, &r, e)) == 0) {
			for (int j = 0; j < store_res_rows(r) &&
					j < CHILDREC_OFFLINE_VISITS; j++) {
				jsonw_object(&v, NULL);
				jsonw_int(&v, "child_id", rows[i].id);
				jsonw_str(&v, "visit_date", store_res_text(r, j, 1));
				jsonw_str(&v, "visitor", store_res_text(r, j, 2));
				jsonw_str(&v, "met", store_res_text(r, j, 3));
				jsonw_str(&v, "risk_level", store_res_text(r, j, 5));
				jsonw_end(&v);
			}
			store_res_free(r);
		}
		child_row_clear(&rows[i]);
	}
	free(rows);
	store_rollback(s);	/* read only */
	jsonw_end(&w);
	jsonw_end(&v);
	size_t vl;
	char *vt = jsonw_steal(&v, &vl);
	jsonw_raw(&w, "visits", vt, vl);
	free(vt);
	jsonw_end(&w);
	/* SPEC §10: the copy is a read of every record in it, audited once
	 * for all, with their number. */
	audit_entry a = { .at = who->now,
			  .actor = actor_name(who),
			  .action = "child_offline_sync",
			  .target = who->u->region,
			  .region_code = who->u->region,
			  .ip = who->ip };
	char detail[48];
	snprintf(detail, sizeof detail, "{\"count\":%d}", n);
	a.detail = detail;
	if (rc == 0 && (rc = store_begin(s, e)) == 0 &&
	    ((rc = audit_append(s, &a, e)) || (rc = store_commit(s, e))))
		store_rollback(s);
	if (rc) {
		jsonw_free(&w);
		return rc;
	}
	*text = jsonw_steal(&w, len);
	return 0;
}

int childrec_exit_proposals(store *s, const actor *who, json_t **out,
			    err *e)
{
	char today[11], adult[11];
	child_filter f;
	int rc;
	memset(&f, 0, sizeof f);
	date_of(who->now, today);
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	/* Candidates: 16 or older, since left_behind lapses at 16 and every
	 * other category at 18. */
	date_years_before(today, 16, adult);
	region_scope_range(actor_scope(who), f.lo, f.hi);
	f.status = "active";
	f.birth_max = adult;
	f.sort = CHILD_SORT_BIRTH;
	f.limit = 200;
	child_row *rows;
	int n;
	int64_t total;
	if ((rc = child_store_list(s, &f, &rows, &n, &total, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		child c;
		err ignore;
		if (row_child(&rows[i], &c, &ignore) == 0) {
			classify_result cr;
			classify_child(&c, today, &cr);
			int age = classify_age(c.birth_date, today);
			if (age >= 18 || cr.categories == 0)
				json_array_append_new(
					items,
					json_pack("{s:I, s:s, s:s, s:i, s:s,"
						  " s:s, s:s}",
						  "id", (json_int_t)rows[i].id,
						  "name", c.name, "birth_date",
						  c.birth_date, "age", age,
						  "region_code", rows[i].region,
						  "region_name",
						  rows[i].region_name, "reason",
						  age >= 18
							  ? "已满18周岁"
							  : "已满16周岁，不再符合任何类别"));
		}
		child_row_clear(&rows[i]);
	}
	free(rows);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* ---- visits ---- */

int childrec_visit_add(store *s, const actor *who, int64_t id, json_t *body,
		       json_t **out, err *e)
{
	static const char *const fields[] = { "visit_date", "visitor", "met",
					      "findings",   "risk_level",
					      "follow_up",  NULL };
	static const char *const areas[] = { "living", "guardianship",
					     "mental_health", "education",
					     NULL };
	char today[11];
	date_of(who->now, today);
	const char *date, *visitor, *met, *risk, *follow;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)) ||
	    (rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "visit_date", 1, 10, &date, e)) ||
	    (rc = jsonx_str(body, "visitor", 1, 20, &visitor, e)) ||
	    (rc = jsonx_str(body, "met", 1, 40, &met, e)) ||
	    (rc = jsonx_str(body, "risk_level", 1, 10, &risk, e)) ||
	    (rc = jsonx_str(body, "follow_up", 0, 200, &follow, e)))
		return rc;
	if (!child_date_valid(date) || strcmp(date, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "visit_date",
				 "走访日期应为不晚于今天的有效日期");
	if (!text_valid_name(visitor, 1, 20))
		return err_field(e, ERR_INVALID, "invalid_field", "visitor",
				 "走访人应为1至20个字符");
	if (!text_valid_name(met, 1, 40))
		return err_field(e, ERR_INVALID, "invalid_field", "met",
				 "见到的人应为1至40个字符");
	if (follow && !text_valid_text(follow, 0, 200))
		return err_field(e, ERR_INVALID, "invalid_field", "follow_up",
				 "跟进措施过长或含有非法字符");
	if (code_value(child_risk_codes, risk) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "risk_level",
				 "风险等级应为 low、medium 或 high");
	json_t *fd = json_object_get(body, "findings");
	if (!json_is_object(fd))
		return err_field(e, ERR_INVALID, "missing_field", "findings",
				 "请填写走访发现（基本生活、家庭监护、心理健康、学习教育）");
	if ((rc = jsonx_only(fd, areas, e)))
		return rc;
	for (const char *const *a = areas; *a; a++) {
		const char *v;
		char field[40];
		snprintf(field, sizeof field, "findings.%s", *a);
		if ((rc = jsonx_str(fd, *a, 0, 200, &v, e))) {
			if (e)
				snprintf(e->field, sizeof e->field, "%s", field);
			return rc;
		}
		if (v && !text_valid_text(v, 0, 200))
			return err_field(e, ERR_INVALID, "invalid_field", field,
					 "走访发现含有非法字符");
	}
	child_row row;
	child c;
	if ((rc = load(s, who, id, &row, &c, e)))
		return rc;
	if (strcmp(row.status, "active") != 0) {
		child_row_clear(&row);
		return err_set(e, ERR_CONFLICT, "record_exited",
			       "该档案已退出");
	}
	if (strcmp(date, row.birth_date) < 0) {
		child_row_clear(&row);
		return err_field(e, ERR_INVALID, "invalid_field", "visit_date",
				 "走访日期不能早于出生日期");
	}
	char *fdt = json_dumps(fd, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t vid = 0;
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = child_store_visit_add(s, id, row.region, date, visitor,
						met, fdt, risk,
						follow ? follow : "",
						actor_name(who), who->now, &vid,
						e)) ||
		    (rc = write_audit(s, who, "visit_create", &row,
				      json_pack("{s:s, s:s}", "visit_date",
						date, "risk_level", risk),
				      e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	free(fdt);
	child_row_clear(&row);
	if (rc == 0)
		*out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:O, s:s, s:s, s:s}",
				 "id", (json_int_t)vid, "child_id",
				 (json_int_t)id, "visit_date", date, "visitor",
				 visitor, "met", met, "findings", fd,
				 "risk_level", risk, "follow_up",
				 follow ? follow : "", "created_by",
				 actor_name(who));
	return rc;
}

int childrec_visits(store *s, const actor *who, int64_t id, json_t **out,
		    err *e)
{
	child_row row;
	child c;
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_READ, e)) ||
	    (rc = load(s, who, id, &row, &c, e)))
		return rc;
	child_row_clear(&row);
	if ((rc = child_store_visits(s, id, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		json_t *fd = json_loads(store_res_text(r, i, 4), 0, NULL);
		json_array_append_new(
			items,
			json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s}",
				  "id", (json_int_t)store_res_int(r, i, 0),
				  "visit_date", store_res_text(r, i, 1),
				  "visitor", store_res_text(r, i, 2), "met",
				  store_res_text(r, i, 3), "findings",
				  fd ? fd : json_object(), "risk_level",
				  store_res_text(r, i, 5), "follow_up",
				  store_res_text(r, i, 6), "created_by",
				  store_res_text(r, i, 7)));
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* ---- transfers ---- */

static json_t *transfer_json(store *s, const actor *who, const store_res *r,
			     int i)
{
	/* Village names are public: both sides see where a child goes to
	 * and comes from, though neither can browse the other's villages. */
	char from[512] = "", to[512] = "";
	region_path_text(s, store_res_text(r, i, 2), from, sizeof from, NULL);
	region_path_text(s, store_res_text(r, i, 3), to, sizeof to, NULL);
	json_t *t = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o,"
			 " s:s, s:s, s:s, s:s}",
			 "id", (json_int_t)store_res_int(r, i, 0), "child_id",
			 (json_int_t)store_res_int(r, i, 1), "from_region",
			 store_res_text(r, i, 2), "to_region",
			 store_res_text(r, i, 3), "state",
			 store_res_text(r, i, 4), "reason",
			 store_res_text(r, i, 5), "requested_by",
			 store_res_text(r, i, 6), "requested_at",
			 jsonx_time(store_res_int(r, i, 7)), "decided_by",
			 str_or_null(store_res_text(r, i, 8)), "decided_at",
			 jsonx_time(store_res_int(r, i, 9)),
			 "note", store_res_text(r, i, 10), "child_name",
			 store_res_text(r, i, 11), "child_birth_date",
			 store_res_text(r, i, 12), "child_sex",
			 code_of(child_sex_codes,
				 (int)store_res_int(r, i, 13)));
	json_object_set_new(t, "from_region_path", json_string(from));
	json_object_set_new(t, "to_region_path", json_string(to));
	/* The birth date is the hidden part of a masked ID (privacy.h). */
	if (!privacy_full(who, PRIVACY_LIST))
		json_object_set_new(t, "child_birth_date", json_null());
	return t;
}

int childrec_transfer(store *s, const actor *who, int64_t id,
		      const char *to_region, const char *reason, json_t **out,
		      err *e)
{
	child_row row;
	child c;
	region to;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	if (reason && !text_valid_name(reason, 0, 150))
		return err_field(e, ERR_INVALID, "invalid_field", "reason",
				 "迁移原因过长或含有非法字符");
	/* The receiving village may lie outside the sender's scope: that is
	 * the point of a transfer.  Only its existence and level are
	 * checked; nothing about it is returned beyond its code. */
	if ((rc = region_resolve(s, NULL, to_region, &to, e))) {
		if (e)
			snprintf(e->field, sizeof e->field, "to_region");
		return rc;
	}
	if (to.level != REGION_VILLAGE)
		return err_field(e, ERR_INVALID, "invalid_field", "to_region",
				 "迁入地应为村（社区）");
	if ((rc = load(s, who, id, &row, &c, e)))
		return rc;
	int64_t pending = 0, tid = 0;
	if (strcmp(row.status, "active") != 0)
		rc = err_set(e, ERR_CONFLICT, "record_exited", "该档案已退出");
	else if (strcmp(row.region, to.code) == 0)
		rc = err_field(e, ERR_INVALID, "invalid_field", "to_region",
			       "迁入地与现居住地相同");
	else if ((rc = child_store_transfer_pending(s, id, &pending, e)) == 0 &&
		 pending)
		rc = err_set(e, ERR_CONFLICT, "transfer_pending",
			     "该儿童已有待接收的迁移");
	if (rc == 0 && (rc = store_begin(s, e)) == 0) {
		if ((rc = child_store_transfer_add(s, id, row.region, to.code,
						   reason ? reason : "",
						   actor_name(who), who->now,
						   &tid, e)) ||
		    (rc = write_audit(s, who, "transfer_create", &row,
				      json_pack("{s:s, s:s}", "from",
						row.region, "to", to.code),
				      e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	child_row_clear(&row);
	if (rc)
		return rc;
	store_res *r;
	if ((rc = child_store_transfer_get(s, tid, &r, e)))
		return rc;
	*out = transfer_json(s, who, r, 0);
	store_res_free(r);
	return 0;
}

int childrec_transfer_decide(store *s, const actor *who, int64_t tid,
			     int accept, const char *note, json_t **out,
			     err *e)
{
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	if (note && !text_valid_name(note, 0, 150))
		return err_field(e, ERR_INVALID, "invalid_field", "note",
				 "说明过长或含有非法字符");
	if ((rc = child_store_transfer_get(s, tid, &r, e)))
		return rc;
	if (store_res_rows(r) == 0 ||
	    (who->u && !region_in_scope(actor_scope(who), store_res_text(r, 0, 3)) &&
	     !region_in_scope(actor_scope(who), store_res_text(r, 0, 2)))) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found", "迁移记录不存在");
	}
	char to[REGION_CODE_MAX];
	snprintf(to, sizeof to, "%s", store_res_text(r, 0, 3));
	int64_t child_id = store_res_int(r, 0, 1);
	int receiving = !who->u || region_in_scope(actor_scope(who), to);
	store_res_free(r);
	/* The receiving side accepts or rejects; the sending side may
	 * only withdraw (reject its own request). */
	if (accept && !receiving)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "只有迁入地可以接收迁移");
	child_row row;
	memset(&row, 0, sizeof row);
	if ((rc = child_store_get(s, child_id, &row, e)))
		return rc;
	if ((rc = store_begin(s, e)) == 0) {
		const char *state = accept ? "accepted"
				    : receiving ? "rejected"
						: "cancelled";
		json_t *changes = json_pack("[{s:s, s:s, s:s}]", "field",
					    "region_code", "before", row.region,
					    "after", to);
		if ((rc = child_store_transfer_decide(s, tid, state,
						      actor_name(who),
						      who->now,
						      note ? note : "", e)) == 0 &&
		    accept) {
			char *old_data = xstrdup(row.data);
			snprintf(row.region, sizeof row.region, "%s", to);
			/* The record's data carries its region too. */
			json_t *d = json_loads(row.data, 0, NULL);
			if (d) {
				json_object_set_new(d, "region_code",
						    json_string(to));
				free(row.data);
				row.data = json_dumps(d, JSON_COMPACT |
								 JSON_SORT_KEYS);
				json_decref(d);
			}
			row.updated_at = who->now;
			snprintf(row.updated_by, sizeof row.updated_by, "%s",
				 actor_name(who));
			if ((rc = child_store_update(s, &row, e)) == 0)
				rc = write_history(s, who, &row, "transfer",
						   changes, old_data, e);
			free(old_data);
		}
		json_decref(changes);
		if (rc == 0)
			rc = write_audit(s, who,
					 accept ? "transfer_accept"
						: "transfer_reject",
					 &row,
					 json_pack("{s:I, s:s}", "transfer",
						   (json_int_t)tid, "state",
						   state),
					 e);
		if (rc || (rc = store_commit(s, e)))
			store_rollback(s);
	}
	child_row_clear(&row);
	if (rc)
		return rc;
	if ((rc = child_store_transfer_get(s, tid, &r, e)))
		return rc;
	*out = transfer_json(s, who, r, 0);
	store_res_free(r);
	return 0;
}

int childrec_transfers(store *s, const actor *who, const char *state,
		       json_t **out, err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_READ, e)))
		return rc;
	if (state && code_value(child_transfer_state_codes, state) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "state",
				 "状态无效");
	region_scope_range(actor_scope(who), lo, hi);
	if ((rc = child_store_transfers(s, lo, hi, state, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		json_t *t = transfer_json(s, who, r, i);
		json_object_set_new(
			t, "direction",
			json_string(region_in_scope(actor_scope(who),
						    store_res_text(r, i, 3))
					    ? "incoming"
					    : "outgoing"));
		json_array_append_new(items, t);
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int childrec_case_link(store *s, const actor *who, int64_t child_id,
		       int64_t case_id, int opened, err *e)
{
	child_row row;
	child c;
	int rc = child_store_get(s, child_id, &row, e);
	if (rc)
		return rc;
	if ((rc = row_child(&row, &c, e))) {
		child_row_clear(&row);
		return rc;
	}
	unsigned before = row.cat_base;
	row.open_cases += opened ? 1 : -1;
	if (row.open_cases < 0)
		row.open_cases = 0;
	c.open_abuse_case = row.open_cases > 0;
	row.cat_base = classify_base(&c);
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	char ref[32];
	snprintf(ref, sizeof ref, "#%lld", (long long)case_id);
	json_t *changes = json_pack(
		"[{s:s, s:s, s:s}]", "field", "protection_case", "before",
		opened ? "" : ref, "after", opened ? ref : "");
	if (before != row.cat_base)
		json_array_append_new(
			changes,
			json_pack("{s:s, s:b, s:b}", "field",
				  "categories.difficult_guardianship", "before",
				  (before & CAT_DIFFICULT_GUARDIANSHIP) != 0,
				  "after",
				  (row.cat_base & CAT_DIFFICULT_GUARDIANSHIP) != 0));
	if ((rc = child_store_update(s, &row, e)) == 0)
		rc = write_history(s, who, &row,
				   opened ? "case_open" : "case_close", changes,
				   row.data, e);
	json_decref(changes);
	child_row_clear(&row);
	return rc;
}
