#include "domain/workforce/cert.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "domain/core/region.h"
#include "io/pdfdoc.h"
#include "store/staff_store.h"
#include "util/date.h"
#include "util/text.h"

static const code_entry cert_statuses[] = {
	{ 1, "valid", "有效" },
	{ 2, "revoked", "已撤销" },
	{ 0, NULL, NULL },
};
/* The certificate each post's initial training earns, by post code. */
static const code_entry cert_titles[] = {
	{ 1, "supervisor", "儿童督导员培训合格证" },
	{ 2, "director", "儿童主任培训合格证" },
	{ 0, NULL, NULL },
};

const char *cert_title(const char *post)
{
	return code_label(cert_titles, code_value(cert_titles, post));
}

static int can_read(const actor *who)
{
	return perm_allows(who, PERM_STAFF_READ);
}

static int can_train(const actor *who)
{
	return perm_allows(who, PERM_TRAINING_WRITE);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}




/* The certificate number: 吉 + issuing county + year + kind + sequence,
 * e.g. "JL220122-2018-Z-0001" (Z 儿童主任, D 儿童督导员). */
static int next_number(store *s, const char *county, const char *date,
		       const char *post, char out[40], err *e)
{
	char prefix[32];
	snprintf(prefix, sizeof prefix, "JL%.6s-%.4s-%s-", county, date,
		 strcmp(post, "director") ? "D" : "Z");
	int64_t n = 0;
	int rc = staff_store_cert_count(s, prefix, &n, e);
	if (rc == 0)
		snprintf(out, 40, "%.20s%04d", prefix, (int)(n % 100000));
	return rc;
}

/* The check code: CERT_CODE_LEN of 32 characters that cannot be misread
 * (no 0/O, 1/I), 30 bits: with the check throttled per address, out of
 * reach of walking the numbers.  Migration 17 draws the same way in SQL
 * for certificates issued before it. */
static const char cert_code_chars[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static void cert_code(char out[CERT_CODE_LEN + 1])
{
	for (int i = 0; i < CERT_CODE_LEN; i++)
		out[i] = cert_code_chars[randombytes_uniform(32)];
	out[CERT_CODE_LEN] = '\0';
}

/* Issues inside the caller's transaction; *id is the new certificate. */
int cert__grant(store *s, const actor *who, const staff_row *st,
		 int64_t training, const char *issued_on, int64_t *id, err *e)
{
	store_res *have;
	int rc = staff_store_certs_of(s, st->id, &have, e);
	if (rc)
		return rc;
	int valid = 0;
	for (int i = 0; i < store_res_rows(have); i++) {
		staff_cert_row k;
		store_res_row(have, i, staff_store_cert_cols, &k);
		valid |= strcmp(k.status, "valid") == 0;
	}
	store_res_free(have);
	if (valid)
		return err_set(e, ERR_CONFLICT, "certificate_exists",
			       "该人员已持有有效的培训合格证");
	char number[40], code[CERT_CODE_LEN + 1], county[REGION_CODE_MAX],
		target[AUDIT_TARGET_MAX];
	snprintf(county, sizeof county, "%.6s", st->region);
	cert_code(code);
	if ((rc = next_number(s, county, issued_on, st->post, number, e)) ||
	    (rc = staff_store_cert_add(s, number, code, st->id, st->post,
				       county, training, issued_on, who->now,
				       actor_name(who), id, e)))
		return rc;
	return audit_record(s, who, "certificate_issue",
			    audit_target(target, "certificate", *id),
			    st->region,
			    json_pack("{s:s, s:I}", "number", number, "staff",
				      (json_int_t)st->id),
			    e);
}

static json_t *cert_json(const store_res *r, int i)
{
	staff_cert_row k;
	store_res_row(r, i, staff_store_cert_cols, &k);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s,"
			 " s:s, s:o, s:s, s:s, s:s}",
			 "id", (json_int_t)k.id, "number", k.number,
			 "check_code", k.check_code, "staff_id",
			 (json_int_t)k.staff_id, "kind", k.kind, "title",
			 cert_title(k.kind),
			 "county_code", k.county_code, "county_name",
			 k.county_name ? k.county_name : "", "training_id",
			 (json_int_t)k.training_id, "issued_on", k.issued_on,
			 "status", k.status, "revoked_on",
			 k.revoked_on ? json_string(k.revoked_on) : json_null(),
			 "revoke_reason", k.revoke_reason, "holder", k.holder,
			 "region_code", k.region);
}

/* The certificate `id` into *k, whose text lives in *r (the caller
 * frees it), if inside the caller's scope. */
static int load_cert(store *s, const actor *who, int64_t id, store_res **r,
		     staff_cert_row *k, err *e)
{
	int rc = staff_store_cert_get(s, id, r, e);
	if (rc)
		return rc;
	store_res_row(*r, 0, staff_store_cert_cols, k);
	if (store_res_rows(*r) == 0 ||
	    (who->u && !region_in_scope(actor_scope(who), k->region))) {
		store_res_free(*r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "证书不存在或不在您的管辖范围内");
	}
	return 0;
}

/* The certificate `id` as JSON, whatever the caller's scope: for the
 * one just issued in the caller's own transaction. */
int cert__get(store *s, int64_t id, json_t **out, err *e)
{
	store_res *r;
	int rc = staff_store_cert_get(s, id, &r, e);
	if (rc)
		return rc;
	*out = cert_json(r, 0);
	store_res_free(r);
	return 0;
}

typedef struct revoke_tx {
	const actor *who;
	int64_t id;
	const char *today, *reason;
	char region[REGION_CODE_MAX];	/* the holder's */
} revoke_tx;

static int revoke_work(store *s, void *arg, err *e)
{
	revoke_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = staff_store_cert_revoke(s, x->id, x->today, x->reason, e);
	return rc ? rc
		  : audit_record(s, x->who, "certificate_revoke",
				 audit_target(t, "certificate", x->id),
				 x->region,
				 json_pack("{s:s}", "reason", x->reason), e);
}

/* A failed check counts against the address (and the number tried). */
typedef struct check_fail {
	const throttle_cfg *thr;
	const char *number, *ip;
	int64_t now;
} check_fail;

static int check_fail_work(store *s, void *arg, err *e)
{
	check_fail *x = arg;
	throttle_result tr;
	return throttle_fail(s, x->thr, "cert", x->number, x->ip, x->now, &tr,
			     e);
}

int cert_revoke(store *s, const actor *who, int64_t id, const char *reason,
		json_t **out, err *e)
{
	store_res *r;
	staff_cert_row k;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!can_train(who))
		return forbidden(e);
	if (!reason || !text_valid_name(reason, 2, 100))
		return err_field(e, ERR_INVALID, "missing_field", "reason",
				 "请填写撤销原因（2至100个字符）");
	if ((rc = load_cert(s, who, id, &r, &k, e)))
		return rc;
	revoke_tx x = { .who = who, .id = id, .today = today,
			.reason = reason };
	snprintf(x.region, sizeof x.region, "%s", k.region);
	store_res_free(r);
	if ((rc = store_tx(s, revoke_work, &x, e)))
		return rc;
	if ((rc = staff_store_cert_get(s, id, &r, e)))
		return rc;
	*out = cert_json(r, 0);
	store_res_free(r);
	return 0;
}

int cert_list(store *s, const actor *who, const char *in, json_t **out,
	      err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	store_res *r;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				 in ? in : (who->u ? actor_scope(who) : "22"), &g,
				 e)))
		return rc;
	region_scope_range(g.code, lo, hi);
	if ((rc = staff_store_certs(s, lo, hi, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++)
		json_array_append_new(items, cert_json(r, i));
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* 张*明: the first and last characters, the rest starred. */
static void mask_name(const char *in, char *out, size_t n)
{
	const char *p = in;
	size_t chars = text_utf8_len(in), used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < chars && *p; i++) {
		size_t len = 1;
		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		int keep = i == 0 || (i == chars - 1 && chars > 2);
		used += (size_t)snprintf(out + used, used < n ? n - used : 0,
					 "%.*s", keep ? (int)len : 1,
					 keep ? p : "*");
		p += len;
	}
	if (chars == 2 && used + 1 < n)
		snprintf(out + used, n - used, "*");
}

/* A code as printed, or as typed: case, spaces and hyphens do not
 * count.  0 when it cannot be one. */
static int normal_code(const char *in, char out[CERT_CODE_LEN + 1])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n == CERT_CODE_LEN)
			return 0;
		out[n++] = (char)toupper((unsigned char)*p);
	}
	out[n] = '\0';
	return n == CERT_CODE_LEN;
}

int cert_verify(store *s, const throttle_cfg *thr, const char *number,
		const char *code, const char *ip, int64_t now, json_t **out,
		err *e)
{
	store_res *r = NULL;
	char want[CERT_CODE_LEN + 1] = "";
	if (!number || strlen(number) > 32 || !text_valid_name(number, 6, 32))
		number = "";
	/* Held back, an address learns nothing, not even that a number is
	 * malformed. */
	int rc = throttle_check(s, thr, "cert", number, ip, now, e);
	if (rc)
		return rc;
	int good = normal_code(code, want);
	if (*number && (rc = staff_store_cert_by_number(s, number, &r, e)))
		return rc;
	staff_cert_row k;
	memset(&k, 0, sizeof k);
	if (r)
		store_res_row(r, 0, staff_store_cert_cols, &k);
	/* One answer for an unknown number and for a wrong or missing code:
	 * the number alone tells nothing, so numbers that follow each other
	 * cannot be walked. */
	if (!r || store_res_rows(r) == 0 || !good ||
	    strlen(k.check_code) != CERT_CODE_LEN ||
	    sodium_memcmp(k.check_code, want, CERT_CODE_LEN) != 0) {
		store_res_free(r);
		check_fail x = { thr, number, ip, now };
		if ((rc = store_tx(s, check_fail_work, &x, e)))
			return rc;
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "证书编号或校验码不正确");
	}
	char holder[96];
	mask_name(k.holder, holder, sizeof holder);
	const char *kind = k.kind;
	int valid = strcmp(k.status, "valid") == 0;
	*out = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "number",
			 k.number, "valid", valid, "title",
			 cert_title(kind),
			 "holder", holder, "county_name",
			 k.county_name ? k.county_name : "",
			 "issued_on", k.issued_on, "status",
			 valid ? "valid" : "revoked", "status_label",
			 code_label(cert_statuses, valid ? 1 : 2));
	store_res_free(r);
	return 0;
}

int cert_pdf(store *s, const actor *who, int64_t id, int card,
	     const char *base, const exportmark *mark, char **bytes,
	     size_t *len, char filename[128], err *e)
{
	store_res *r;
	staff_cert_row k;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load_cert(s, who, id, &r, &k, e)))
		return rc;
	const char *kind = k.kind;
	const char *title = strcmp(kind, "director") ? "儿童督导员培训合格证"
						     : "儿童主任培训合格证";
	char l1[300], l2[200], l3[200], l4[120], l5[80];
	snprintf(l1, sizeof l1, "%s　同志：", k.holder);
	snprintf(l2, sizeof l2,
		 "参加%s民政局组织的%s初任培训，经考核合格，特发此证。",
		 k.county_name ? k.county_name : "",
		 strcmp(kind, "director") ? "儿童督导员" : "儿童主任");
	snprintf(l3, sizeof l3, "证书编号：%s", k.number);
	snprintf(l4, sizeof l4, "发证日期：%s%s", k.issued_on,
		 strcmp(k.status, "valid") ? "（已撤销）" : "");
	snprintf(l5, sizeof l5, "校验码：%s", k.check_code);
	pdfdoc *d;
	if ((rc = exportmark_pdf_new(who, mark, card ? PDFDOC_CARD : PDFDOC_A4,
				     &d, e))) {
		store_res_free(r);
		return rc;
	}
	pdfdoc_frame(d);
	pdfdoc_space(d, card ? 2 : 30);
	char big[128];
	snprintf(big, sizeof big, "《%s》", title);
	pdfdoc_title(d, big);
	pdfdoc_space(d, card ? 2 : 20);
	pdfdoc_text(d, l1, card ? 9 : 16, PDFDOC_LEFT | PDFDOC_SERIF);
	pdfdoc_text(d, l2, card ? 8 : 14, PDFDOC_LEFT | PDFDOC_SERIF);
	pdfdoc_space(d, card ? 2 : 20);
	pdfdoc_text(d, l3, card ? 8 : 12, PDFDOC_RIGHT);
	pdfdoc_text(d, l5, card ? 8 : 12, PDFDOC_RIGHT);
	pdfdoc_text(d, l4, card ? 8 : 12, PDFDOC_RIGHT);
	/* The QR code: the public check page of this number and code (both
	 * are letters, digits and hyphens: nothing to escape). */
	char url[512];
	size_t bl = base ? strlen(base) : 0;
	while (bl && base[bl - 1] == '/')
		bl--;
	if (bl)
		snprintf(url, sizeof url, "%.*s/#/verify?number=%s&code=%s",
			 (int)bl, base, k.number,
			 k.check_code);
	else
		snprintf(url, sizeof url, "%s %s", k.number,
			 k.check_code);
	if (card) {
		pdfdoc_qr(d, url, 13, PDFDOC_CORNER);
		pdfdoc_text(d, "扫码或凭编号和校验码核验真伪", 6, PDFDOC_LEFT);
	} else {
		pdfdoc_space(d, 8);
		pdfdoc_qr(d, url, 30, PDFDOC_CENTER);
		pdfdoc_text(d, "扫描二维码，或凭证书编号和校验码在系统中核验真伪",
			    10, PDFDOC_CENTER);
	}
	rc = pdfdoc_finish(d, bytes, len, e);
	if (rc == 0)
		snprintf(filename, 128, "%s_%.40s.pdf", title,
			 k.number);
	store_res_free(r);
	return rc;
}

void cert_codes_json(json_t *out)
{
	json_object_set_new(out, "certificate_status",
			    code_table_json(cert_statuses));
}
