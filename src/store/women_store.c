#include "store/women_store.h"

#define WOMEN_COLS                                                          \
	"w.id, w.region_code, w.name, w.id_number, w.birth_date, w.phone,"   \
	" w.husband_work_place, w.employment, w.skills, w.status, w.version,"\
	" w.created_at, w.created_by, r.name"
#define WOMEN_FROM " FROM women w LEFT JOIN regions r ON r.code = w.region_code"

const store_col women_store_cols[] = {
	STORE_I64(0, woman_row, id),
	STORE_STR(1, woman_row, region),
	STORE_STR(2, woman_row, name),
	STORE_STR(3, woman_row, id_number),
	STORE_STR(4, woman_row, birth_date),
	STORE_STR(5, woman_row, phone),
	STORE_STR(6, woman_row, husband_work_place),
	STORE_STR(7, woman_row, employment),
	STORE_STR(8, woman_row, skills),
	STORE_STR(9, woman_row, status),
	STORE_INT(10, woman_row, version),
	STORE_I64(11, woman_row, created_at),
	STORE_STR(12, woman_row, created_by),
	STORE_STR(13, woman_row, region_name),
	STORE_COLS_END,
};

int women_store_insert(store *s, const char *code, const char *name,
		       const char *id_number, const char *birth,
		       const char *phone, const char *husband,
		       const char *employment, const char *skills, int64_t at,
		       const char *by, int64_t *id, err *e)
{
	store_param p[] = { SP_S(code),	     SP_S(name),  SP_S(id_number),
			    SP_S(id_number), SP_S(birth), SP_S(phone),
			    SP_S(husband),   SP_S(employment), SP_S(skills),
			    SP_I(at),	     SP_S(by),	  SP_I(at) };
	int rc = store_query_int(s,
				 "INSERT INTO women (region_code, name, id_number,"
				 " active_id, birth_date, phone, husband_work_place,"
				 " employment, skills, created_at, created_by,"
				 " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
				 " ?, ?) RETURNING id",
				 p, SP_COUNT(p), id, e);
	if (rc == ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "duplicate_id_number",
				 "id_number", "该身份证号已登记");
	return rc;
}

int women_store_update(store *s, int64_t id, int version, const char *phone,
		       const char *husband, const char *employment,
		       const char *skills, const char *status, int64_t at,
		       err *e)
{
	store_param p[] = { SP_S(phone),  SP_S(husband), SP_S(employment),
			    SP_S(skills), SP_S(status),	 SP_S(status),
			    SP_I(at),	  SP_I(id),	 SP_I(version) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE women SET phone = ?, husband_work_place = ?,"
			    " employment = ?, skills = ?, status = ?,"
			    " active_id = CASE WHEN ? = 'active' THEN id_number"
			    " ELSE NULL END, updated_at = ?, version = version + 1"
			    " WHERE id = ? AND version = ?",
			    p, SP_COUNT(p), &n, e);
	/* Back to active while another active record holds the number. */
	if (rc == ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "duplicate_id_number",
				 "id_number", "该身份证号已有在册登记");
	if (rc == 0 && n != 1)
		return err_set(e, ERR_CONFLICT, "version_conflict",
			       "该记录已被他人修改，请刷新后重试");
	return rc;
}

int women_store_get(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s, "SELECT " WOMEN_COLS WOMEN_FROM " WHERE w.id = ?",
			   p, 1, out, e);
}

#define WOMEN_WHERE                                                         \
	" WHERE w.region_code >= ? AND w.region_code < ?"                    \
	" AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM"              \
	" women_services v WHERE v.woman_id = w.id AND v.kind = ?))"

int women_store_list(store *s, const char *lo, const char *hi,
		     const char *service, int64_t offset, int limit,
		     store_res **out, int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo),	   SP_S(hi),   SP_S(service),
			    SP_S(service), SP_I(limit), SP_I(offset) };
	int rc = store_query_int(s, "SELECT count(*) FROM women w" WOMEN_WHERE,
				 p, 4, total, e);
	return rc ? rc
		  : store_query(s,
				"SELECT " WOMEN_COLS WOMEN_FROM WOMEN_WHERE
				" ORDER BY w.region_code, w.id LIMIT ? OFFSET ?",
				p, 6, out, e);
}

int women_store_service_add(store *s, int64_t woman, const char *kind,
			    const char *date, const char *result,
			    const char *detail, const char *follow,
			    const char *by, int64_t at, int64_t *id, err *e)
{
	store_param p[] = { SP_I(woman),  SP_S(kind),	SP_S(date),
			    SP_S(result), SP_S(detail), SP_S(follow),
			    SP_S(by),	  SP_I(at) };
	return store_query_int(s,
			       "INSERT INTO women_services (woman_id, kind,"
			       " served_on, result, detail, follow_up, created_by,"
			       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
			       " RETURNING id",
			       p, SP_COUNT(p), id, e);
}

const store_col women_store_service_cols[] = {
	STORE_I64(0, woman_service_row, id),
	STORE_STR(1, woman_service_row, kind),
	STORE_STR(2, woman_service_row, served_on),
	STORE_STR(3, woman_service_row, result),
	STORE_STR(4, woman_service_row, detail),
	STORE_STR(5, woman_service_row, follow_up),
	STORE_STR(6, woman_service_row, created_by),
	STORE_COLS_END,
};

int women_store_services(store *s, int64_t woman, store_res **out, err *e)
{
	store_param p[] = { SP_I(woman) };
	return store_query(s,
			   "SELECT id, kind, served_on, result, detail, follow_up,"
			   " created_by FROM women_services WHERE woman_id = ?"
			   " ORDER BY served_on DESC, id DESC",
			   p, 1, out, e);
}

const store_col women_store_stat_cols[] = {
	STORE_STR(0, woman_stat_row, kind),
	STORE_I64(1, woman_stat_row, services),
	STORE_I64(2, woman_stat_row, women),
	STORE_COLS_END,
};

int women_store_stats(store *s, const char *lo, const char *hi,
		      store_res **out, int64_t *registered, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	int rc = store_query_int(s,
				 "SELECT count(*) FROM women WHERE region_code >= ?"
				 " AND region_code < ? AND status = 'active'",
				 p, 2, registered, e);
	return rc ? rc
		  : store_query(s,
				"SELECT v.kind, count(*), count(DISTINCT v.woman_id)"
				" FROM women_services v JOIN women w ON"
				" w.id = v.woman_id WHERE w.region_code >= ? AND"
				" w.region_code < ? GROUP BY v.kind ORDER BY v.kind",
				p, 2, out, e);
}
