/* /api/v1/children and /api/v1/transfers: children's records. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/children/childpdf.h"
#include "domain/children/childrec.h"
#include "domain/children/childrec_exit.h"
#include "domain/children/childrec_list.h"
#include "domain/children/childrec_offline.h"
#include "domain/children/childrec_transfer.h"
#include "domain/children/childrec_visit.h"
#include "domain/children/childxlsx.h"
#include "domain/children/childxlsx_export.h"
#include "domain/children/childxlsx_import.h"
#include "util/jsonx.h"
#include "util/text.h"

static int reply(req *r, int status, int rc, json_t *out)
{
	return rc ? rc : req_reply(r, status, out);
}

static void list_query(req *r, childrec_query *q)
{
	*q = (childrec_query){
		.region = req_query(r, "region"),
		.category = req_query(r, "category"),
		.flag = req_query(r, "flag"),
		.q = req_query(r, "q"),
		.status = req_query(r, "status"),
		.age_min = req_query(r, "age_min"),
		.age_max = req_query(r, "age_max"),
		.not_visited_days = req_query(r, "not_visited_days"),
		.sort = req_query(r, "sort"),
		.order = req_query(r, "order"),
	};
}

static int children_list(req *r, err *e)
{
	childrec_query q;
	list_query(r, &q);
	int rc = req_page(r, &q.offset, &q.limit, e);
	if (rc)
		return rc;
	actor who = req_actor(r);
	char *text;
	size_t len;
	if ((rc = childrec_list_text(r->db, &who, &q, &text, &len, e)))
		return rc;
	api_tally(r, "child_search", "GET /api/v1/children", "");
	return req_reply_text(r, 200, text, len);
}

/* A read of one child's history or visits, counted in the audit log's
 * tally under `action` (one entry per child, caller and tick). */
static void tally_child(req *r, const char *action, const char *where,
			int64_t id)
{
	char target[32];
	snprintf(target, sizeof target, "child:%lld", (long long)id);
	api_tally(r, action, where, target);
}

static int children_create(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = childrec_create(r->db, &who, r->json, &out, e);
	return reply(r, 201, rc, out);
}

static int child_get(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	char *text = NULL;
	size_t len = 0;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_get_text(r->db, &who, id, &text, &len, e);
	return rc ? rc : req_reply_text(r, 200, text, len);
}

static int child_patch(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	/* If-Match carries the version the client edited, so two people
	 * editing one record cannot silently overwrite each other. */
	const char *im = req_header(r, "If-Match");
	int version = 0;
	if (im) {
		const char *v = im[0] == '"' ? im + 1 : im;
		char buf[16];
		size_t n = strcspn(v, "\"");
		if (n == 0 || n >= sizeof buf)
			return err_set(e, ERR_INVALID, "invalid_header",
				       "If-Match 应为记录的版本号");
		memcpy(buf, v, n);
		buf[n] = '\0';
		if (!text_is_digits(buf))
			return err_set(e, ERR_INVALID, "invalid_header",
				       "If-Match 应为记录的版本号");
		version = atoi(buf);
	}
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_update(r->db, &who, id, r->json, version, &out, e);
	return reply(r, 200, rc, out);
}

static int child_reveal(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_reveal(r->db, &who, id, &out, e);
	return reply(r, 200, rc, out);
}

static int children_offline(req *r, err *e)
{
	actor who = req_actor(r);
	char *text;
	size_t len;
	int rc = childrec_offline_text(r->db, &who, &text, &len, e);
	return rc ? rc : req_reply_text(r, 200, text, len);
}

static int child_history(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_history(r->db, &who, id, &out, e);
	if (!rc)
		tally_child(r, "child_history_read",
			    "GET /api/v1/children/{id}/history", id);
	return reply(r, 200, rc, out);
}

static int child_confirm(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_confirm(r->db, &who, id, &out, e);
	return reply(r, 200, rc, out);
}

static int child_exit(req *r, err *e)
{
	static const char *const fields[] = { "reason", "date", "note", NULL };
	int64_t id;
	const char *reason, *date, *note;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "reason", 1, 30, &reason, e)) ||
	    (rc = jsonx_str(r->json, "date", 1, 10, &date, e)) ||
	    (rc = jsonx_str(r->json, "note", 0, 150, &note, e)))
		return rc;
	rc = childrec_exit(r->db, &who, id, reason, date, note, &out, e);
	return reply(r, 200, rc, out);
}

static int exit_proposals(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int64_t offset;
	int limit;
	int rc = req_page(r, &offset, &limit, e);
	if (!rc)
		rc = childrec_exit_proposals(r->db, &who, offset, limit, &out,
					     e);
	return reply(r, 200, rc, out);
}

static int visits_post(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_visit_add(r->db, &who, id, r->json, &out, e);
	return reply(r, 201, rc, out);
}

static int visits_get(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = childrec_visits(r->db, &who, id, &out, e);
	if (!rc)
		tally_child(r, "visit_read", "GET /api/v1/children/{id}/visits",
			    id);
	return reply(r, 200, rc, out);
}

static int transfer_post(req *r, err *e)
{
	static const char *const fields[] = { "to_region", "reason", NULL };
	int64_t id;
	const char *to, *reason;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "to_region", 1, 64, &to, e)) ||
	    (rc = jsonx_str(r->json, "reason", 0, 150, &reason, e)))
		return rc;
	rc = childrec_transfer(r->db, &who, id, to, reason, &out, e);
	return reply(r, 201, rc, out);
}

static int transfer_decide(req *r, err *e, int accept)
{
	static const char *const fields[] = { "note", NULL };
	int64_t id;
	const char *note = NULL;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc;
	if ((rc = req_id(r, 0, &id, e)))
		return rc;
	if (r->json && ((rc = jsonx_only(r->json, fields, e)) ||
			(rc = jsonx_str(r->json, "note", 0, 150, &note, e))))
		return rc;
	rc = childrec_transfer_decide(r->db, &who, id, accept, note, &out, e);
	return reply(r, 200, rc, out);
}

static int transfer_accept(req *r, err *e)
{
	return transfer_decide(r, e, 1);
}

static int transfer_reject(req *r, err *e)
{
	return transfer_decide(r, e, 0);
}

static int transfers_list(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = childrec_transfers(r->db, &who, req_query(r, "state"), &out,
				    e);
	return reply(r, 200, rc, out);
}


static int children_export(req *r, err *e)
{
	childrec_query q;
	list_query(r, &q);
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = childxlsx_export(r->db, &who, &q, &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

static int import_template(req *r, err *e)
{
	char *bytes;
	size_t len;
	actor who = req_actor(r);
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = childxlsx_template(&who, &m, &bytes, &len, e);
	return rc ? rc
		  : req_reply_file(r, bytes, len, XLSX_TYPE,
				   "儿童信息导入模板.xlsx");
}

/* The file goes to a private temporary file: the readers take a path,
 * and CSV and xlsx are told apart by content, not by what the client
 * claims. */
static int children_import(req *r, err *e)
{
	if (r->body_len == 0)
		return err_set(e, ERR_INVALID, "missing_file",
			       "请上传 .xlsx 或 .csv 文件");
	char path[] = "/tmp/guanai-import-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "internal", "无法创建临时文件");
	size_t off = 0;
	while (off < r->body_len) {
		ssize_t w = write(fd, r->body + off, r->body_len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	if (off != r->body_len) {
		unlink(path);
		return err_set(e, ERR_INTERNAL, "internal", "无法写入临时文件");
	}
	actor who = req_actor(r);
	childxlsx_result res;
	int rc = childxlsx_import(r->db, &who, path, &res, e);
	unlink(path);
	if (rc) {
		childxlsx_import_free(&res);
		return rc;
	}
	json_t *out = json_pack("{s:I, s:I, s:I, s:I, s:O}", "rows",
				(json_int_t)res.rows, "imported",
				(json_int_t)res.imported, "skipped",
				(json_int_t)res.skipped, "failed",
				(json_int_t)res.failed, "errors", res.errors);
	/* Where the rows were read: the sheet chosen by its header row,
	 * and the columns that were not imported. */
	json_object_set_new(out, "sheet", json_string(res.sheet));
	json_object_set_new(out, "header_row",
			    json_integer((json_int_t)res.header_row));
	json_object_set(out, "ignored_columns",
			res.ignored ? res.ignored : json_array());
	if (res.report) {
		size_t n = sodium_base64_ENCODED_LEN(
			res.report_len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(n);
		if (b64) {
			sodium_bin2base64(b64, n,
					  (const unsigned char *)res.report,
					  res.report_len,
					  sodium_base64_VARIANT_ORIGINAL);
			json_object_set_new(out, "report_xlsx_base64",
					    json_string(b64));
			free(b64);
		}
	}
	childxlsx_import_free(&res);
	return req_reply(r, 200, out);
}

static int child_pdf(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = childpdf_record(r->db, &who, id, &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, "application/pdf", name);
}

const route api_child_routes[] = {
	{ "GET", "/api/v1/children/export", children_export, 0,
	  PERM_CHILD_EXPORT },
	{ "GET", "/api/v1/children/import-template", import_template, 0,
	  PERM_CHILD_READ },
	{ "POST", "/api/v1/children/import", children_import, R_UPLOAD,
	  PERM_CHILD_WRITE },
	{ "GET", "/api/v1/children", children_list, 0, PERM_CHILD_READ },
	{ "POST", "/api/v1/children", children_create, R_BODY | R_IDEM,
	  PERM_CHILD_WRITE },
	{ "GET", "/api/v1/children/exit-proposals", exit_proposals, 0,
	  PERM_CHILD_WRITE },
	{ "GET", "/api/v1/children/offline", children_offline, 0,
	  PERM_CHILD_OFFLINE },
	{ "GET", "/api/v1/children/{id}", child_get, 0, PERM_CHILD_READ },
	{ "PATCH", "/api/v1/children/{id}", child_patch, R_BODY | R_IDEM,
	  PERM_CHILD_WRITE },
	{ "GET", "/api/v1/children/{id}/history", child_history, 0,
	  PERM_CHILD_READ },
	{ "POST", "/api/v1/children/{id}/reveal", child_reveal, 0,
	  PERM_IDENTITY_READ },
	{ "GET", "/api/v1/children/{id}/record.pdf", child_pdf, 0,
	  PERM_CHILD_READ },
	{ "POST", "/api/v1/children/{id}/confirm", child_confirm, 0,
	  PERM_CHILD_CONFIRM },
	{ "POST", "/api/v1/children/{id}/exit", child_exit, R_BODY,
	  PERM_CHILD_WRITE },
	{ "GET", "/api/v1/children/{id}/visits", visits_get, 0,
	  PERM_CHILD_READ },
	{ "POST", "/api/v1/children/{id}/visits", visits_post,
	  R_BODY | R_IDEM, PERM_CHILD_WRITE },
	{ "POST", "/api/v1/children/{id}/transfers", transfer_post, R_BODY,
	  PERM_CHILD_WRITE },
	{ "GET", "/api/v1/transfers", transfers_list, 0, PERM_CHILD_READ },
	{ "POST", "/api/v1/transfers/{id}/accept", transfer_accept, R_OPTBODY,
	  PERM_CHILD_WRITE },
	{ "POST", "/api/v1/transfers/{id}/reject", transfer_reject, R_OPTBODY,
	  PERM_CHILD_WRITE },
	{ 0 },
};
