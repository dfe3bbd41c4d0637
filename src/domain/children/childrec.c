#include "domain/children/childrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/children/classify.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "domain/children/child_quality.h"
#include "store/child_store.h"
#include "util/date.h"
#include "util/jsonw.h"
#include "util/jsonx.h"
#include "util/mem.h"
#include "util/text.h"

/* ---- derived fields ---- */

void childrec__bits_write(jsonw *w, const char *key, unsigned bits, int count,
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
	childrec__bits_write(w, "categories", cr.categories, CAT_COUNT,
			     classify_category_code);
	childrec__bits_write(w, "flags", cr.flags, FLAG_COUNT,
			     classify_flag_code);
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
		childrec__bits_write(w, "confirmed_categories",
				     (unsigned)row->confirmed, CAT_COUNT,
				     classify_category_code);
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
char *childrec__render_text(store *s, const actor *who, const child_row *row,
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

json_t *childrec__render(store *s, const actor *who, const child_row *row,
			 const child *c, const char *today)
{
	size_t len;
	char *text = childrec__render_text(s, who, row, c, today, &len);
	json_t *o = json_loadb(text, len, 0, NULL);
	free(text);
	return o;
}

/* ---- loading ---- */

/* Parses stored JSON into a record.  Loading is lenient about the
 * formats that older data may break (child_parse_stored): validation
 * belongs to writes, and a record failing Q03 or Q10 must still open so
 * that it can be fixed.  Any other failure here is corruption. */
int childrec__row_child(const child_row *row, child *c, err *e)
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

int childrec__load(store *s, const actor *who, int64_t id, child_row *row,
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
	if ((rc = childrec__row_child(row, c, e)))
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
	row->qflags = child_quality_flags(c);
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

/* Records version row->version (already stored) with its changes.  A
 * record's first version is written to the history only when it is first
 * changed, from `before` (the first version's data): a record that never
 * changes costs one row, not two, which is what a large import needs. */
int childrec__write_history(store *s, const actor *who, const child_row *row,
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

/* A write to one record and its audit entry, in one transaction. */
typedef struct record_tx {
	const actor *who;
	child_row *row;
	const child *c;
	json_t *changes;	/* an update's */
	const char *before;	/* the record as it was, as text */
} record_tx;

/* The audit entry names the record, not the child: auditors read the log
 * and must never see identities (SPEC §1). */
static int create_work(store *s, void *arg, err *e)
{
	record_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = check_duplicate(s, x->who, x->c->id_number, 0, e)) ||
	    (rc = childrec_insert_prepared(s, x->who, x->row, e)))
		return rc;
	return audit_record(s, x->who, "child_create",
			    audit_target(t, "child", x->row->id),
			    x->row->region, NULL, e);
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
	record_tx x = { .who = who, .row = &row, .c = &c };
	rc = store_tx(s, create_work, &x, e);
	/* Lost a race for the same ID number to a record created after our
	 * check: look again, so that one outside the scope is reported as
	 * "registered elsewhere" like any other. */
	if (rc == ERR_CONFLICT && e && !strcmp(e->key, "duplicate_id_number")) {
		int again = check_duplicate(s, who, c.id_number, 0, e);
		if (again)
			rc = again;
	}
	if (rc == 0)
		*out = childrec__render(s, who, &row, &c, today);
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
	char t[AUDIT_TARGET_MAX];
	return audit_record(s, ra->who, "child_read",
			    audit_target(t, "child", ra->row->id),
			    ra->row->region, NULL, e);
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
	    (rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	/* SPEC §10: every read of a full record is audited, in a
	 * transaction shared with other reads' entries arriving meanwhile:
	 * one commit, a few pages of WAL, for all of them. */
	read_audit ra = { who, &row };
	if ((rc = store_batched(s, audit_read, &ra, e)) == 0)
		*text = childrec__render_text(s, who, &row, &c, today, len);
	child_row_clear(&row);
	return rc;
}

/* An answer written as text (rc its writer's result), read back as JSON
 * for the callers that work on a tree (exports, PDFs, the watch list). */
int childrec__text_json(int rc, char *text, size_t len, json_t **out, err *e)
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
	return childrec__text_json(rc, text, len, out, e);
}

/* ---- the whole numbers on demand ---- */

static int audit_reveal(store *s, void *arg, err *e)
{
	const read_audit *ra = arg;
	char t[AUDIT_TARGET_MAX];
	return audit_record(s, ra->who, "identity_reveal",
			    audit_target(t, "child", ra->row->id),
			    ra->row->region, NULL, e);
}

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
	    (rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	/* Nothing is shown unless its reveal is in the log. */
	read_audit ra = { who, &row };
	rc = store_tx(s, audit_reveal, &ra, e);
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

static int update_work(store *s, void *arg, err *e)
{
	record_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = check_duplicate(s, x->who, x->c->id_number, x->row->id,
				  e)) ||
	    (rc = child_store_update(s, x->row, e)) ||
	    (rc = childrec__write_history(s, x->who, x->row, "update",
					  x->changes, x->before, e)))
		return rc;
	return audit_record(s, x->who, "child_update",
			    audit_target(t, "child", x->row->id),
			    x->row->region, changed_fields(x->changes), e);
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
	    (rc = childrec__load(s, who, id, &row, &old, e)))
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
		*out = childrec__render(s, who, &row, &old, today);
		goto done;
	}
	char *before_text = json_dumps(before, JSON_COMPACT);
	fill_row(&row, &c);
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	record_tx x = { .who = who, .row = &row, .c = &c, .changes = changes,
			.before = before_text };
	rc = store_tx(s, update_work, &x, e);
	free(before_text);
	if (rc == 0)
		*out = childrec__render(s, who, &row, &c, today);
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
	    (rc = childrec__load(s, who, id, &row, &c, e)))
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
		child_history_row h;
		store_res_row(r, i, child_store_history_cols, &h);
		json_t *ch = json_loads(h.changes, 0, NULL);
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
				  (json_int_t)h.version, "at", jsonx_time(h.at),
				  "actor", h.actor, "action", h.action,
				  "changes", ch));
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
	if ((rc = childrec__row_child(&row, &c, e))) {
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
		rc = childrec__write_history(
		    s, who, &row, opened ? "case_open" : "case_close", changes,
		    row.data, e);
	json_decref(changes);
	child_row_clear(&row);
	return rc;
}
