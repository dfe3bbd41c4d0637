/* Schema migrations.
 *
 * Each migration is written once in portable SQL with a few dialect tokens,
 * plus optional backend-only SQL (triggers differ).  The tokens:
 *   @ID@    an auto-assigned 64-bit primary key
 *   @CODE@  a region code column: text compared byte-wise, so that the
 *           range test scope <= code < scope||':' works on both engines
 * Migrations are append-only: a released migration is never edited, a new
 * one is added after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/store_backend.h"
#include "util/buf.h"

typedef struct migration {
	int version;
	const char *portable;
	const char *sqlite_only;
	const char *pg_only;
} migration;

/* Migration 12's update trigger body, the same on both backends: the
 * villages of the record before and after, and of the other records
 * holding either ID number (Q09). */
#define CHILDREN_STATS_TOUCH_12                                              \
	" UPDATE village_stats SET ver = ver + 1"                            \
	" WHERE village_code IN (NEW.region_code, OLD.region_code)"          \
	" OR village_code IN (SELECT region_code FROM children WHERE"        \
	" active_id IN (NEW.id_number, OLD.id_number) AND id <> NEW.id)"     \
	" OR village_code IN (SELECT region_code FROM children WHERE"        \
	" coalesce(active_id, '') = '' AND id_number IN"                     \
	" (NEW.id_number, OLD.id_number) AND id <> NEW.id)"

/* Migration 19: an update that changes what a quarter's figures read
 * (child_states, issue #19 item 2), and the old state it keeps. */
#define CHILD_STATE_MOVED                                                    \
	"(OLD.region_code <> NEW.region_code OR OLD.status <> NEW.status"    \
	" OR OLD.birth_date <> NEW.birth_date"                               \
	" OR coalesce(OLD.id_number, '') <> coalesce(NEW.id_number, '')"     \
	" OR OLD.cat_base <> NEW.cat_base OR OLD.flags <> NEW.flags"         \
	" OR OLD.qflags <> NEW.qflags"                                       \
	" OR coalesce(OLD.confirmed, -1) <> coalesce(NEW.confirmed, -1))"
#define CHILD_STATE_KEEP                                                     \
	" INSERT INTO child_states (child_id, valid_from, valid_to,"         \
	" region_code, status, birth_date, id_number, cat_base, flags,"      \
	" qflags, confirmed) SELECT OLD.id, f.t, CASE WHEN NEW.updated_at"   \
	" > f.t THEN NEW.updated_at ELSE f.t END, OLD.region_code,"          \
	" OLD.status, OLD.birth_date, OLD.id_number, OLD.cat_base,"          \
	" OLD.flags, OLD.qflags, OLD.confirmed FROM (SELECT"                 \
	" coalesce((SELECT max(valid_to) FROM child_states WHERE"            \
	" child_id = OLD.id), OLD.created_at) AS t) f"
/* Past quarters' figures do not move with a change made after they
 * ended, but a write stamped earlier (two servers' clocks apart, a clock
 * set back, a row put right by hand) must not leave them wrong: any
 * update of a record makes its villages' past figures stale, to be
 * counted again (one village) at the next read; child_store does the
 * same for new records. */
#define CHILD_STATE_TOUCH                                                    \
	" UPDATE quarter_stats SET ver = ver + 1 WHERE frozen = 0 AND"       \
	" village_code IN (OLD.region_code, NEW.region_code)"
/* A visit (any date) or a verification of a quarter makes the past
 * quarters' figures of the child's villages, then and now, stale. */
#define QUARTER_STATS_TOUCH(and_quarter, row)                                \
	" UPDATE quarter_stats SET ver = ver + 1 WHERE frozen = 0"           \
	and_quarter " AND village_code IN (SELECT region_code FROM"          \
	" children WHERE id = " row ".child_id UNION SELECT region_code"     \
	" FROM child_states WHERE child_id = " row ".child_id)"

/* Migration 17: one random character of a certificate's check code, of
 * the 32 that cannot be misread (no 0/O, 1/I). */
#define CODE_CHAR_SQLITE                                                     \
	" substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', (random() & 31) + 1, 1)"
#define CODE_CHAR_PG                                                         \
	" substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ',"                         \
	" 1 + floor(random() * 32)::int, 1)"

static const migration migrations[] = {
	{ 1,
	  "CREATE TABLE regions ("
	  " code @CODE@ PRIMARY KEY,"
	  " name TEXT NOT NULL,"
	  " level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),"
	  " parent_code @CODE@ REFERENCES regions(code),"
	  " statistical INTEGER NOT NULL DEFAULT 1,"
	  " child_count INTEGER,"
	  " child_count_year INTEGER);"
	  "CREATE INDEX regions_parent ON regions(parent_code, code);"
	  "CREATE TABLE users ("
	  " id @ID@,"
	  " username TEXT NOT NULL UNIQUE,"
	  " display_name TEXT NOT NULL DEFAULT '',"
	  " role TEXT NOT NULL,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " pw_hash TEXT NOT NULL,"
	  " must_change INTEGER NOT NULL DEFAULT 1,"
	  " failed_count INTEGER NOT NULL DEFAULT 0,"
	  " locked_until BIGINT NOT NULL DEFAULT 0,"
	  " disabled INTEGER NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX users_region ON users(region_code);"
	  "CREATE TABLE sessions ("
	  " token_hash TEXT PRIMARY KEY,"
	  " user_id BIGINT NOT NULL REFERENCES users(id),"
	  " csrf TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " last_seen BIGINT NOT NULL,"
	  " ip TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX sessions_user ON sessions(user_id);"
	  "CREATE TABLE audit_log ("
	  " seq BIGINT PRIMARY KEY,"
	  " at BIGINT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " target TEXT NOT NULL DEFAULT '',"
	  " region_code @CODE@ NOT NULL DEFAULT '',"
	  " ip TEXT NOT NULL DEFAULT '',"
	  " detail TEXT NOT NULL DEFAULT '{}',"
	  " prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);"
	  "CREATE INDEX audit_log_region ON audit_log(region_code, seq);"
	  /* The head row serialises appends: every writer updates it first,
	   * which takes its row lock (PostgreSQL) or the write lock (SQLite). */
	  "CREATE TABLE audit_head ("
	  " id INTEGER PRIMARY KEY CHECK (id = 1),"
	  " seq BIGINT NOT NULL,"
	  " hash TEXT NOT NULL);"
	  "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0,"
	  " '0000000000000000000000000000000000000000000000000000000000000000');"
	  "CREATE TABLE settings ("
	  " key TEXT PRIMARY KEY,"
	  " value TEXT NOT NULL);",
	  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	  " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
	  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	  " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
	  "CREATE FUNCTION audit_log_append_only() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN"
	  " RAISE EXCEPTION 'audit_log is append-only'; END $$;"
	  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	  " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"
	  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	  " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();" },
	{ 2,
	  /* Children.  The record's nested facts (parents, guardian,
	   * situation) live in `data` as the JSON of the API; the columns
	   * beside it are what lists filter and sort on.  cat_base holds the
	   * categories whose non-age conditions hold (classify_base): the
	   * age part is applied at query time against the as-of date, so no
	   * stored category ever goes stale as a child grows up. */
	  "CREATE TABLE children ("
	  " id @ID@,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " status TEXT NOT NULL DEFAULT 'active',"
	  " name TEXT NOT NULL,"
	  " sex INTEGER NOT NULL,"
	  " birth_date TEXT NOT NULL,"
	  " id_number TEXT,"
	  /* The ID number while the record is active, else NULL: unique, so
	   * an ID number is active on one record only (SPEC §4.1).  A plain
	   * column rather than a partial index, whose predicate would make
	   * SQLite re-plan every query that binds the status. */
	  " active_id TEXT UNIQUE,"
	  " cat_base INTEGER NOT NULL DEFAULT 0,"
	  " flags INTEGER NOT NULL DEFAULT 0,"
	  " confirmed INTEGER,"
	  " confirmed_by TEXT,"
	  " confirmed_at BIGINT,"
	  " last_visit TEXT,"
	  /* Copies of two facts inside `data`, for lists that show them
	   * without parsing every record's JSON. */
	  " guardian_name TEXT,"
	  " contact_phone TEXT,"
	  " exit_reason TEXT,"
	  " exit_date TEXT,"
	  " exit_note TEXT,"
	  " data TEXT NOT NULL,"
	  " version INTEGER NOT NULL DEFAULT 1,"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " updated_by TEXT NOT NULL);"
	  "CREATE INDEX children_region ON children(region_code, id);"
	  /* Covers every list filter but the name, so counts over a county
	   * never touch the table rows (which carry the JSON). */
	  "CREATE INDEX children_cover ON children(region_code, status,"
	  " birth_date, cat_base, flags, last_visit, id_number);"
	  "CREATE INDEX children_id_number ON children(id_number);"
	  "CREATE TABLE child_history ("
	  " id @ID@,"
	  " child_id BIGINT NOT NULL REFERENCES children(id),"
	  " version INTEGER NOT NULL,"
	  " at BIGINT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " changes TEXT NOT NULL,"
	  " snapshot TEXT NOT NULL);"
	  "CREATE INDEX child_history_child ON child_history(child_id, version);"
	  "CREATE TABLE visits ("
	  " id @ID@,"
	  " child_id BIGINT NOT NULL REFERENCES children(id),"
	  " region_code @CODE@ NOT NULL,"
	  " visit_date TEXT NOT NULL,"
	  " visitor TEXT NOT NULL,"
	  " met TEXT NOT NULL,"
	  " findings TEXT NOT NULL,"
	  " risk_level TEXT NOT NULL,"
	  " follow_up TEXT NOT NULL DEFAULT '',"
	  " created_by TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX visits_child ON visits(child_id, visit_date);"
	  "CREATE TABLE transfers ("
	  " id @ID@,"
	  " child_id BIGINT NOT NULL REFERENCES children(id),"
	  " from_region @CODE@ NOT NULL,"
	  " to_region @CODE@ NOT NULL,"
	  " state TEXT NOT NULL,"
	  " reason TEXT NOT NULL DEFAULT '',"
	  " requested_by TEXT NOT NULL,"
	  " requested_at BIGINT NOT NULL,"
	  " decided_by TEXT,"
	  " decided_at BIGINT,"
	  " note TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX transfers_from ON transfers(from_region, state);"
	  "CREATE INDEX transfers_to ON transfers(to_region, state);"
	  "CREATE INDEX transfers_child ON transfers(child_id, state);",
	  NULL, NULL },
	{ 3,
	  /* The grassroots workforce (SPEC §3).  One active person per post:
	   * active_post is "director:<village>" or "supervisor:<township>"
	   * while the person is in post, NULL after, and unique. */
	  "CREATE TABLE staff ("
	  " id @ID@,"
	  " post TEXT NOT NULL,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " name TEXT NOT NULL,"
	  " id_number TEXT NOT NULL,"
	  " sex INTEGER NOT NULL,"
	  " phone TEXT NOT NULL,"
	  " source TEXT NOT NULL,"
	  " source_other TEXT NOT NULL DEFAULT '',"
	  " employment TEXT NOT NULL,"
	  " appointed_on TEXT NOT NULL,"
	  " left_on TEXT,"
	  " leave_reason TEXT NOT NULL DEFAULT '',"
	  " status TEXT NOT NULL DEFAULT 'active',"
	  " active_post TEXT UNIQUE,"
	  " user_id BIGINT REFERENCES users(id),"
	  " version INTEGER NOT NULL DEFAULT 1,"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " updated_by TEXT NOT NULL);"
	  "CREATE INDEX staff_region ON staff(region_code, post, appointed_on);"
	  "CREATE INDEX staff_id_number ON staff(id_number);"
	  "CREATE TABLE staff_history ("
	  " id @ID@,"
	  " staff_id BIGINT NOT NULL REFERENCES staff(id),"
	  " at BIGINT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " changes TEXT NOT NULL);"
	  "CREATE INDEX staff_history_staff ON staff_history(staff_id, id);"
	  "CREATE TABLE trainings ("
	  " id @ID@,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " title TEXT NOT NULL,"
	  " held_on TEXT NOT NULL,"
	  " hours_tenths INTEGER NOT NULL,"
	  " mode TEXT NOT NULL,"
	  " organiser TEXT NOT NULL,"
	  " trainer TEXT NOT NULL,"
	  " topics TEXT NOT NULL,"
	  " initial INTEGER NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL);"
	  "CREATE INDEX trainings_region ON trainings(region_code, held_on);"
	  "CREATE TABLE training_attendance ("
	  " training_id BIGINT NOT NULL REFERENCES trainings(id),"
	  " staff_id BIGINT NOT NULL REFERENCES staff(id),"
	  " result TEXT NOT NULL,"
	  " score INTEGER,"
	  " passed INTEGER NOT NULL DEFAULT 0,"
	  " PRIMARY KEY (training_id, staff_id));"
	  "CREATE INDEX attendance_staff ON training_attendance(staff_id);"
	  "CREATE TABLE certificates ("
	  " id @ID@,"
	  " number TEXT NOT NULL UNIQUE,"
	  " staff_id BIGINT NOT NULL REFERENCES staff(id),"
	  " kind TEXT NOT NULL,"
	  " county_code @CODE@ NOT NULL,"
	  " training_id BIGINT NOT NULL REFERENCES trainings(id),"
	  " issued_on TEXT NOT NULL,"
	  " status TEXT NOT NULL DEFAULT 'valid',"
	  " revoked_on TEXT,"
	  " revoke_reason TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL);"
	  "CREATE INDEX certificates_staff ON certificates(staff_id);"
	  "CREATE TABLE campaigns ("
	  " id @ID@,"
	  " name TEXT NOT NULL,"
	  " measure TEXT NOT NULL,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " due_on TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL);",
	  NULL, NULL },
	{ 4,
	  /* Service platforms (SPEC §5).  The 五有 facts live in `standard`
	   * as JSON; `failing` is the bitmask of the five items that do not
	   * hold, refreshed on every write, for region-wide counts. */
	  "CREATE TABLE platforms ("
	  " id @ID@,"
	  " kind TEXT NOT NULL,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " name TEXT NOT NULL,"
	  " regional INTEGER NOT NULL DEFAULT 0,"
	  " host TEXT NOT NULL,"
	  " host_other TEXT NOT NULL DEFAULT '',"
	  " address TEXT NOT NULL,"
	  " manager_staff_id BIGINT REFERENCES staff(id),"
	  " opened_on TEXT NOT NULL,"
	  " status TEXT NOT NULL DEFAULT 'active',"
	  " standard TEXT NOT NULL DEFAULT '{}',"
	  " failing INTEGER NOT NULL DEFAULT 31,"
	  " version INTEGER NOT NULL DEFAULT 1,"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " updated_by TEXT NOT NULL);"
	  "CREATE INDEX platforms_region ON platforms(region_code, kind);"
	  /* The villages each 儿童之家 serves: its own, and for a regional
	   * one the others it names. */
	  "CREATE TABLE platform_villages ("
	  " platform_id BIGINT NOT NULL REFERENCES platforms(id),"
	  " village_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " PRIMARY KEY (platform_id, village_code));"
	  "CREATE INDEX platform_villages_village ON"
	  " platform_villages(village_code);"
	  "CREATE TABLE platform_activities ("
	  " id @ID@,"
	  " platform_id BIGINT NOT NULL REFERENCES platforms(id),"
	  " held_on TEXT NOT NULL,"
	  " function INTEGER NOT NULL,"
	  " title TEXT NOT NULL,"
	  " children INTEGER NOT NULL,"
	  " parents INTEGER NOT NULL,"
	  " notes TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL);"
	  "CREATE INDEX activities_platform ON"
	  " platform_activities(platform_id, held_on);"
	  "INSERT INTO settings (key, value) VALUES ('label_words',"
	  " '[\"留守儿童\",\"困境儿童\"]');",
	  NULL, NULL },
	{ 5,
	  /* Protection cases (SPEC §6).  `state` walks reported → accepted →
	   * (emergency) → assessed → planned → closed; `due_at` is the
	   * deadline of the step the case waits for, so one indexed query
	   * finds what is overdue.  `level` is the region level answerable
	   * now: a report not accepted in time moves up, and `escalations`
	   * changes by compare-and-set so no case escalates twice. */
	  "CREATE TABLE cases ("
	  " id @ID@,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " child_id BIGINT REFERENCES children(id),"
	  " child_name TEXT NOT NULL DEFAULT '',"
	  " reporter_type TEXT NOT NULL,"
	  " reporter_name TEXT NOT NULL DEFAULT '',"
	  " reporter_phone TEXT NOT NULL DEFAULT '',"
	  " place TEXT NOT NULL DEFAULT '',"
	  " situation TEXT NOT NULL,"
	  " description TEXT NOT NULL,"
	  " urgent INTEGER NOT NULL DEFAULT 0,"
	  " state TEXT NOT NULL,"
	  " level INTEGER NOT NULL,"
	  " escalations INTEGER NOT NULL DEFAULT 0,"
	  " reported_at BIGINT NOT NULL,"
	  " due_at BIGINT,"
	  " accepted_at BIGINT,"
	  " closed_at BIGINT,"
	  " outcome TEXT NOT NULL DEFAULT '',"
	  " data TEXT NOT NULL DEFAULT '{}',"
	  " version INTEGER NOT NULL DEFAULT 1,"
	  " created_by TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX cases_region ON cases(region_code, state);"
	  "CREATE INDEX cases_due ON cases(state, due_at);"
	  "CREATE INDEX cases_child ON cases(child_id);"
	  "CREATE TABLE case_events ("
	  " id @ID@,"
	  " case_id BIGINT NOT NULL REFERENCES cases(id),"
	  " at BIGINT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " step TEXT NOT NULL,"
	  " detail TEXT NOT NULL);"
	  "CREATE INDEX case_events_case ON case_events(case_id, id);"
	  "CREATE TABLE referrals ("
	  " id @ID@,"
	  " case_id BIGINT NOT NULL REFERENCES cases(id),"
	  " kind TEXT NOT NULL,"
	  " institution TEXT NOT NULL,"
	  " sent_at BIGINT NOT NULL,"
	  " due_on TEXT NOT NULL,"
	  " answered_at BIGINT,"
	  " answer TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX referrals_case ON referrals(case_id);"
	  "ALTER TABLE children ADD COLUMN open_cases INTEGER NOT NULL"
	  " DEFAULT 0;"
	  "INSERT INTO settings (key, value) VALUES ('case_limits',"
	  " '{\"accept_hours\":24,\"urgent_hours\":2,\"assess_days\":7,"
	  "\"plan_days\":15,\"referral_days\":30}');",
	  NULL, NULL },
	{ 6,
	  /* Quarterly verification (SPEC §7).  `qflags` holds the quality
	   * rules a record fails by its own facts (Q01's guardian part, Q02,
	   * Q03, Q04, Q07, Q10), refreshed on every write, so that a province
	   * report is counts over columns rather than a parse of every
	   * record. */
	  "ALTER TABLE children ADD COLUMN qflags INTEGER NOT NULL DEFAULT 0;"
	  /* The covering index grows the columns the quality rules read, so
	   * a province report never reads the rows carrying the JSON. */
	  "DROP INDEX children_cover;"
	  "CREATE INDEX children_cover ON children(region_code, status,"
	  " birth_date, cat_base, flags, last_visit, id_number, qflags,"
	  " confirmed);"
	  "CREATE TABLE verifications ("
	  " child_id BIGINT NOT NULL REFERENCES children(id),"
	  " quarter TEXT NOT NULL,"
	  " outcome TEXT NOT NULL,"
	  " verified_by TEXT NOT NULL,"
	  " verified_at BIGINT NOT NULL,"
	  " PRIMARY KEY (child_id, quarter));"
	  "CREATE INDEX verifications_quarter ON verifications(quarter, child_id);"
	  "CREATE TABLE quarters ("
	  " code TEXT PRIMARY KEY,"
	  " starts_on TEXT NOT NULL,"
	  " ends_on TEXT NOT NULL,"
	  " due_on TEXT NOT NULL);"
	  "CREATE TABLE signoffs ("
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " quarter TEXT NOT NULL,"
	  " state TEXT NOT NULL,"
	  " by_user TEXT NOT NULL,"
	  " at BIGINT NOT NULL,"
	  " comment TEXT NOT NULL DEFAULT '',"
	  " PRIMARY KEY (region_code, quarter));"
	  "CREATE TABLE signoff_events ("
	  " id @ID@,"
	  " region_code @CODE@ NOT NULL,"
	  " quarter TEXT NOT NULL,"
	  " state TEXT NOT NULL,"
	  " by_user TEXT NOT NULL,"
	  " at BIGINT NOT NULL,"
	  " comment TEXT NOT NULL DEFAULT '');"
	  "CREATE TABLE snapshots ("
	  " region_code @CODE@ NOT NULL,"
	  " quarter TEXT NOT NULL,"
	  " taken_at BIGINT NOT NULL,"
	  " figures TEXT NOT NULL,"
	  " PRIMARY KEY (region_code, quarter));",
	  NULL, NULL },
	{ 7,
	  /* Rural left-behind women (SPEC §8) and the services they receive. */
	  "CREATE TABLE women ("
	  " id @ID@,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " name TEXT NOT NULL,"
	  " id_number TEXT NOT NULL,"
	  " active_id TEXT UNIQUE,"
	  " birth_date TEXT NOT NULL,"
	  " phone TEXT NOT NULL DEFAULT '',"
	  " husband_work_place TEXT NOT NULL DEFAULT '',"
	  " employment TEXT NOT NULL,"
	  " skills TEXT NOT NULL DEFAULT '',"
	  " status TEXT NOT NULL DEFAULT 'active',"
	  " version INTEGER NOT NULL DEFAULT 1,"
	  " created_at BIGINT NOT NULL,"
	  " created_by TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX women_region ON women(region_code, id);"
	  "CREATE TABLE women_services ("
	  " id @ID@,"
	  " woman_id BIGINT NOT NULL REFERENCES women(id),"
	  " kind TEXT NOT NULL,"
	  " served_on TEXT NOT NULL,"
	  " result TEXT NOT NULL DEFAULT '',"
	  " detail TEXT NOT NULL DEFAULT '',"
	  " follow_up TEXT NOT NULL DEFAULT '',"
	  " created_by TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX women_services_woman ON women_services(woman_id);",
	  NULL, NULL },
	{ 8,
	  /* Certificate numbers come from a counter per prefix, incremented
	   * atomically (two issues at once never compute the same number),
	   * and one valid certificate per person is a unique column. */
	  "CREATE TABLE cert_seq ("
	  " prefix TEXT PRIMARY KEY,"
	  " n BIGINT NOT NULL);"
	  /* Numbers already issued: the counter starts after them. */
	  "INSERT INTO cert_seq (prefix, n) SELECT substr(number, 1,"
	  " length(number) - 4), count(*) FROM certificates"
	  " GROUP BY substr(number, 1, length(number) - 4);"
	  "ALTER TABLE certificates ADD COLUMN valid_staff BIGINT;"
	  "UPDATE certificates SET valid_staff = staff_id WHERE status = 'valid';"
	  "CREATE UNIQUE INDEX certificates_valid_staff ON"
	  " certificates(valid_staff);",
	  NULL, NULL },
	{ 9,
	  /* The dashboard's figures per village, kept as of one day.  A
	   * write to a village's children (or their verifications) bumps
	   * `ver` in a trigger; a row is current when done_ver = ver and
	   * as_of is today.  Readers refresh what is not, and store it only
	   * if no write came in between (compare-and-set on ver). */
	  "CREATE TABLE village_stats ("
	  " village_code @CODE@ PRIMARY KEY,"
	  " ver BIGINT NOT NULL DEFAULT 0,"
	  " done_ver BIGINT NOT NULL DEFAULT -1,"
	  " as_of TEXT NOT NULL DEFAULT '',"
	  " quarter TEXT NOT NULL DEFAULT '',"
	  " active BIGINT NOT NULL DEFAULT 0,"
	  " c1 BIGINT NOT NULL DEFAULT 0, c2 BIGINT NOT NULL DEFAULT 0,"
	  " c3 BIGINT NOT NULL DEFAULT 0, c4 BIGINT NOT NULL DEFAULT 0,"
	  " c5 BIGINT NOT NULL DEFAULT 0, c6 BIGINT NOT NULL DEFAULT 0,"
	  " f1 BIGINT NOT NULL DEFAULT 0, f2 BIGINT NOT NULL DEFAULT 0,"
	  " f3 BIGINT NOT NULL DEFAULT 0, f4 BIGINT NOT NULL DEFAULT 0,"
	  " f5 BIGINT NOT NULL DEFAULT 0, f6 BIGINT NOT NULL DEFAULT 0,"
	  " q01 BIGINT NOT NULL DEFAULT 0, q02 BIGINT NOT NULL DEFAULT 0,"
	  " q03 BIGINT NOT NULL DEFAULT 0, q04 BIGINT NOT NULL DEFAULT 0,"
	  " q05 BIGINT NOT NULL DEFAULT 0, q06 BIGINT NOT NULL DEFAULT 0,"
	  " q07 BIGINT NOT NULL DEFAULT 0, q08 BIGINT NOT NULL DEFAULT 0,"
	  " q09 BIGINT NOT NULL DEFAULT 0, q10 BIGINT NOT NULL DEFAULT 0,"
	  " q11 BIGINT NOT NULL DEFAULT 0);",
	  /* Q09 (one ID number on two active records) ties a village to
	   * the others holding the same number: they are touched too. */
	  "CREATE TRIGGER children_stats_ins AFTER INSERT ON children BEGIN"
	  " UPDATE village_stats SET ver = ver + 1"
	  " WHERE village_code = NEW.region_code OR village_code IN"
	  " (SELECT region_code FROM children WHERE id_number = NEW.id_number"
	  " AND id <> NEW.id); END;"
	  "CREATE TRIGGER children_stats_upd AFTER UPDATE ON children BEGIN"
	  " UPDATE village_stats SET ver = ver + 1"
	  " WHERE village_code IN (NEW.region_code, OLD.region_code) OR"
	  " village_code IN (SELECT region_code FROM children WHERE id <> NEW.id"
	  " AND id_number IN (NEW.id_number, OLD.id_number)); END;"
	  "CREATE TRIGGER verifications_stats_ins AFTER INSERT ON verifications"
	  " BEGIN UPDATE village_stats SET ver = ver + 1 WHERE village_code ="
	  " (SELECT region_code FROM children WHERE id = NEW.child_id); END;"
	  "CREATE TRIGGER verifications_stats_del AFTER DELETE ON verifications"
	  " BEGIN UPDATE village_stats SET ver = ver + 1 WHERE village_code ="
	  " (SELECT region_code FROM children WHERE id = OLD.child_id); END;",
	  "CREATE FUNCTION children_stats_touch() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN"
	  " IF TG_OP = 'UPDATE' THEN UPDATE village_stats SET ver = ver + 1"
	  " WHERE village_code IN (NEW.region_code, OLD.region_code) OR"
	  " village_code IN (SELECT region_code FROM children WHERE id <> NEW.id"
	  " AND id_number IN (NEW.id_number, OLD.id_number));"
	  " ELSE UPDATE village_stats SET ver = ver + 1"
	  " WHERE village_code = NEW.region_code OR village_code IN"
	  " (SELECT region_code FROM children WHERE id_number = NEW.id_number"
	  " AND id <> NEW.id); END IF;"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER children_stats AFTER INSERT OR UPDATE ON children"
	  " FOR EACH ROW EXECUTE FUNCTION children_stats_touch();"
	  "CREATE FUNCTION verifications_stats_touch() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN"
	  " UPDATE village_stats SET ver = ver + 1 WHERE village_code ="
	  " (SELECT region_code FROM children WHERE id ="
	  " (CASE WHEN TG_OP = 'DELETE' THEN OLD.child_id ELSE NEW.child_id END));"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER verifications_stats AFTER INSERT OR DELETE"
	  " ON verifications"
	  " FOR EACH ROW EXECUTE FUNCTION verifications_stats_touch();" },
	{ 10,
	  /* Lists filter on "no guardian on record" (the watch list): with
	   * guardian_name outside the covering index, every list and count
	   * read each row of the table to evaluate it, wanted or not. */
	  "DROP INDEX children_cover;"
	  "CREATE INDEX children_cover ON children(region_code, status,"
	  " birth_date, cat_base, flags, last_visit, id_number, qflags,"
	  " confirmed, guardian_name);",
	  NULL, NULL },
	{ 11,
	  /* Q09 asks, for every record, whether another active one holds
	   * its ID number: with the status in the index that probe never
	   * reads the table. */
	  "DROP INDEX children_id_number;"
	  "CREATE INDEX children_id_number ON children(id_number, status);",
	  NULL, NULL },
	{ 12,
	  /* A large import spent half its time on two things that served
	   * little:
	   * - The insert trigger.  A new record now bumps the stats of the
	   *   villages it touches in child_store.c, once per batch of rows.
	   * - children_id_number, a second index on a random key beside
	   *   active_id's, which holds the ID number of every record created
	   *   active since migration 2.  Only the other records need it:
	   *   exited ones, and legacy active ones without the copy (the
	   *   pairs Q09 exists to find).  A question "which records hold
	   *   this number" asks active_id, then this partial index, which a
	   *   bulk load of new records never touches.  Lists filter ID
	   *   numbers on children_cover, as before.  The index's condition
	   *   is written coalesce(active_id, '') = '' and so is every query
	   *   meant to use it: SQLite would take "active_id IS NULL" to
	   *   active_id's unique index, and read every record without one. */
	  "DROP INDEX children_id_number;"
	  "CREATE INDEX children_id_rest ON children(id_number)"
	  " WHERE coalesce(active_id, '') = '';",
	  "DROP TRIGGER children_stats_ins;"
	  "DROP TRIGGER children_stats_upd;"
	  "CREATE TRIGGER children_stats_upd AFTER UPDATE ON children BEGIN"
	  CHILDREN_STATS_TOUCH_12 "; END;",
	  "DROP TRIGGER children_stats ON children;"
	  "CREATE OR REPLACE FUNCTION children_stats_touch() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN" CHILDREN_STATS_TOUCH_12 ";"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER children_stats AFTER UPDATE ON children"
	  " FOR EACH ROW EXECUTE FUNCTION children_stats_touch();" },
	{ 13,
	  /* Every read of a record appends to the audit log, and on SQLite
	   * "seq BIGINT PRIMARY KEY" is a unique index beside the rowid: a
	   * fourth B-tree written by every append.  As INTEGER PRIMARY KEY
	   * seq is the rowid itself.  The table is rebuilt with the same
	   * rows (the hash chain does not change); the triggers that keep it
	   * append-only go with the old table (DROP TABLE deletes no row)
	   * and are made again.  PostgreSQL's BIGINT key is its own. */
	  NULL,
	  "CREATE TABLE audit_log_13 ("
	  " seq INTEGER PRIMARY KEY,"
	  " at BIGINT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " target TEXT NOT NULL DEFAULT '',"
	  " region_code TEXT NOT NULL DEFAULT '',"
	  " ip TEXT NOT NULL DEFAULT '',"
	  " detail TEXT NOT NULL DEFAULT '{}',"
	  " prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);"
	  "INSERT INTO audit_log_13 SELECT seq, at, actor, action, target,"
	  " region_code, ip, detail, prev_hash, hash FROM audit_log"
	  " ORDER BY seq;"
	  "DROP TABLE audit_log;"
	  "ALTER TABLE audit_log_13 RENAME TO audit_log;"
	  "CREATE INDEX audit_log_region ON audit_log(region_code, seq);"
	  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	  " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
	  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	  " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
	  NULL },
	{ 14,
	  /* The audit key (domain/core/audit.h).  key_id is the public key of
	   * the key file the chain is keyed with ('' for a database whose
	   * chain is not keyed yet); mac authenticates the head with that
	   * key, so a tail cut off with the head set back is caught without
	   * an anchor.  On PostgreSQL TRUNCATE passes the row triggers by:
	   * it is refused as well. */
	  "ALTER TABLE audit_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE audit_head ADD COLUMN mac TEXT NOT NULL DEFAULT '';",
	  NULL,
	  "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
	  " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();" },
	{ 16,
	  /* One person in post once (issue #17): active_id is the ID number
	   * while the record is in post, NULL after, and unique, as
	   * children's active_id and staff's active_post.  A unique partial
	   * index on id_number would refuse databases that already hold a
	   * person in two posts; here the first of them keeps the key, and
	   * staff_create still finds the others through id_number. */
	  "ALTER TABLE staff ADD COLUMN active_id TEXT;"
	  "UPDATE staff SET active_id = id_number WHERE status = 'active'"
	  " AND id = (SELECT min(o.id) FROM staff o WHERE"
	  " o.id_number = staff.id_number AND o.status = 'active');"
	  "CREATE UNIQUE INDEX staff_active_id ON staff(active_id);"
	  /* Exports that need an approval first (exportreq.c): who asked
	   * for which file (kind and the list's filters) and why; the
	   * region the file covers and the asker's scope, which decide who
	   * may approve and who sees the request; and its course:
	   * pending → approved | rejected, approved → downloaded (once,
	   * before expires_at).  Each move is compare-and-set on state. */
	  "CREATE TABLE export_requests ("
	  " id @ID@,"
	  " kind TEXT NOT NULL,"
	  " filters TEXT NOT NULL,"
	  " purpose TEXT NOT NULL,"
	  " region_code @CODE@ NOT NULL REFERENCES regions(code),"
	  " scope_code @CODE@ NOT NULL,"
	  " row_count BIGINT NOT NULL,"
	  " requester_id BIGINT NOT NULL REFERENCES users(id),"
	  " requester TEXT NOT NULL,"
	  " requester_role TEXT NOT NULL,"
	  " state TEXT NOT NULL DEFAULT 'pending',"
	  " requested_at BIGINT NOT NULL,"
	  " decided_by TEXT,"
	  " decided_at BIGINT,"
	  " reason TEXT NOT NULL DEFAULT '',"
	  " expires_at BIGINT,"
	  " downloaded_at BIGINT);"
	  "CREATE INDEX export_requests_scope ON export_requests(scope_code, id);"
	  "CREATE INDEX export_requests_requester ON"
	  " export_requests(requester_id, id);"
	  "INSERT INTO settings (key, value) VALUES ('export_approval',"
	  " '{\"threshold\":1000,\"valid_hours\":24}');",
	  NULL, NULL },
	{ 17,
	  /* Issue #17.  throttle: failed logins (and wrong old passwords,
	   * failed certificate checks) per address, per account and per
	   * account-and-address, keyed by a keyed hash so that a typed name
	   * that is no account is never stored; in the database because
	   * several servers may share it.  password_history: the hashes of
	   * the last passwords a user chose, so that none is chosen again.
	   * server_keys: the key of those hashes, one for every server.
	   * certificates.check_code: printed on the certificate, asked by
	   * the public check beside the number, so that numbers that follow
	   * each other cannot be walked. */
	  "CREATE TABLE throttle ("
	  " tkey TEXT PRIMARY KEY,"
	  " acct TEXT NOT NULL DEFAULT '',"
	  " fails INTEGER NOT NULL,"
	  " last_fail BIGINT NOT NULL,"
	  " hold_until BIGINT NOT NULL DEFAULT 0,"
	  " expires_at BIGINT NOT NULL);"
	  "CREATE INDEX throttle_acct ON throttle(acct);"
	  "CREATE INDEX throttle_expires ON throttle(expires_at);"
	  "CREATE TABLE password_history ("
	  " id @ID@,"
	  " user_id BIGINT NOT NULL REFERENCES users(id),"
	  " pw_hash TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX password_history_user ON password_history(user_id, id);"
	  "CREATE TABLE server_keys ("
	  " name TEXT PRIMARY KEY,"
	  " value TEXT NOT NULL);"
	  "ALTER TABLE certificates ADD COLUMN check_code TEXT NOT NULL"
	  " DEFAULT '';",
	  /* Codes for the certificates issued before: six of the 32
	   * characters a new code is made of (domain/workforce/cert.c),
	   * each drawn apart. */
	  "UPDATE certificates SET check_code = "
	  CODE_CHAR_SQLITE " ||"
	  CODE_CHAR_SQLITE " ||"
	  CODE_CHAR_SQLITE " ||"
	  CODE_CHAR_SQLITE " ||"
	  CODE_CHAR_SQLITE " ||"
	  CODE_CHAR_SQLITE ";",
	  "UPDATE certificates SET check_code = "
	  CODE_CHAR_PG " ||"
	  CODE_CHAR_PG " ||"
	  CODE_CHAR_PG " ||"
	  CODE_CHAR_PG " ||"
	  CODE_CHAR_PG " ||"
	  CODE_CHAR_PG ";" },
	{ 18,
	  /* Issue #23: the phone that works offline.  idempotency: the
	   * answer to each write sent with an Idempotency-Key, per user
	   * and key, with the hash of the request it answered: a write
	   * queued on a phone and sent again after a lost answer is done
	   * once and answered as the first time (domain/idem.c), for a
	   * day.  device_keys: one random key per user, released to its
	   * sessions, which the UI encrypts its copy on the device with
	   * (domain/devicekey.c). */
	  "CREATE TABLE idempotency ("
	  " user_id BIGINT NOT NULL REFERENCES users(id),"
	  " idem_key TEXT NOT NULL,"
	  " req_hash TEXT NOT NULL,"
	  " status INTEGER NOT NULL,"
	  " body TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " PRIMARY KEY (user_id, idem_key));"
	  "CREATE INDEX idempotency_created ON idempotency(created_at);"
	  "CREATE TABLE device_keys ("
	  " user_id BIGINT PRIMARY KEY REFERENCES users(id),"
	  " dkey TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL);",
	  NULL, NULL },
	{ 19,
	  /* Issue #19.  village_stats.qerr / qany: the children failing at
	   * least one error-level rule, and at least one error- or
	   * warning-level rule (Q01–Q10) — shares of children, which the per-rule counts cannot
	   * give (one child fails several rules).  Every village is made
	   * stale so that they are counted at the next read. */
	  "ALTER TABLE village_stats ADD COLUMN qerr BIGINT NOT NULL"
	  " DEFAULT 0;"
	  "ALTER TABLE village_stats ADD COLUMN qany BIGINT NOT NULL"
	  " DEFAULT 0;"
	  "UPDATE village_stats SET done_ver = -1;"
	  /* Past quarters count what was true then (issue #19 item 2).
	   * child_states keeps every state a record left, with the time it
	   * held: an update that changes what the figures read writes the
	   * old values, valid from the end of the state before (or the
	   * record's creation) to the update's time.  The state of a record
	   * at time T is the child_states row with valid_from <= T <
	   * valid_to, else, when none ends after T, the record itself if it
	   * was created by T.  States before this migration were not kept:
	   * those records read as they are now. */
	  "CREATE TABLE child_states ("
	  " child_id BIGINT NOT NULL,"
	  " valid_from BIGINT NOT NULL,"
	  " valid_to BIGINT NOT NULL,"
	  " region_code @CODE@ NOT NULL,"
	  " status TEXT NOT NULL,"
	  " birth_date TEXT NOT NULL,"
	  " id_number TEXT,"
	  " cat_base INTEGER NOT NULL,"
	  " flags INTEGER NOT NULL,"
	  " qflags INTEGER NOT NULL,"
	  " confirmed INTEGER);"
	  "CREATE INDEX child_states_child ON child_states(child_id, valid_to);"
	  "CREATE INDEX child_states_region ON child_states(region_code,"
	  " valid_from);"
	  "CREATE INDEX child_states_id_number ON child_states(id_number);"
	  /* A past quarter's figures per village, as village_stats keeps
	   * the current ones: computed from the states at the quarter's end
	   * once, then summed.  Only a visit dated back or a verification
	   * of that quarter moves them (triggers bump ver).  `frozen` rows
	   * are a county's approved figures: never recomputed, never
	   * bumped. */
	  "CREATE TABLE quarter_stats ("
	  " quarter TEXT NOT NULL,"
	  " village_code @CODE@ NOT NULL,"
	  " ver BIGINT NOT NULL DEFAULT 0,"
	  " done_ver BIGINT NOT NULL DEFAULT -1,"
	  " frozen INTEGER NOT NULL DEFAULT 0,"
	  " active BIGINT NOT NULL DEFAULT 0,"
	  " c1 BIGINT NOT NULL DEFAULT 0, c2 BIGINT NOT NULL DEFAULT 0,"
	  " c3 BIGINT NOT NULL DEFAULT 0, c4 BIGINT NOT NULL DEFAULT 0,"
	  " c5 BIGINT NOT NULL DEFAULT 0, c6 BIGINT NOT NULL DEFAULT 0,"
	  " f1 BIGINT NOT NULL DEFAULT 0, f2 BIGINT NOT NULL DEFAULT 0,"
	  " f3 BIGINT NOT NULL DEFAULT 0, f4 BIGINT NOT NULL DEFAULT 0,"
	  " f5 BIGINT NOT NULL DEFAULT 0, f6 BIGINT NOT NULL DEFAULT 0,"
	  " q01 BIGINT NOT NULL DEFAULT 0, q02 BIGINT NOT NULL DEFAULT 0,"
	  " q03 BIGINT NOT NULL DEFAULT 0, q04 BIGINT NOT NULL DEFAULT 0,"
	  " q05 BIGINT NOT NULL DEFAULT 0, q06 BIGINT NOT NULL DEFAULT 0,"
	  " q07 BIGINT NOT NULL DEFAULT 0, q08 BIGINT NOT NULL DEFAULT 0,"
	  " q09 BIGINT NOT NULL DEFAULT 0, q10 BIGINT NOT NULL DEFAULT 0,"
	  " q11 BIGINT NOT NULL DEFAULT 0, qerr BIGINT NOT NULL DEFAULT 0,"
	  " qany BIGINT NOT NULL DEFAULT 0,"
	  " PRIMARY KEY (quarter, village_code));"
	  "CREATE INDEX quarter_stats_village ON quarter_stats(village_code);",
	  "CREATE TRIGGER child_states_keep AFTER UPDATE ON children WHEN "
	  CHILD_STATE_MOVED " BEGIN " CHILD_STATE_KEEP "; END;"
	  "CREATE TRIGGER children_quarter_stats AFTER UPDATE ON children"
	  " BEGIN " CHILD_STATE_TOUCH "; END;"
	  "CREATE TRIGGER visits_quarter_stats AFTER INSERT ON visits BEGIN "
	  QUARTER_STATS_TOUCH("", "NEW") "; END;"
	  "CREATE TRIGGER verifications_quarter_stats_ins AFTER INSERT ON"
	  " verifications BEGIN " QUARTER_STATS_TOUCH(" AND quarter = NEW.quarter",
						     "NEW") "; END;"
	  "CREATE TRIGGER verifications_quarter_stats_del AFTER DELETE ON"
	  " verifications BEGIN " QUARTER_STATS_TOUCH(" AND quarter = OLD.quarter",
						     "OLD") "; END;",
	  "CREATE FUNCTION child_states_keep() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN " CHILD_STATE_KEEP ";"
	  " RETURN NULL; END $$;"
	  "CREATE FUNCTION children_quarter_stats() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN " CHILD_STATE_TOUCH ";"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER children_quarter_stats AFTER UPDATE ON children"
	  " FOR EACH ROW EXECUTE FUNCTION children_quarter_stats();"
	  "CREATE TRIGGER child_states_keep AFTER UPDATE ON children"
	  " FOR EACH ROW WHEN " CHILD_STATE_MOVED
	  " EXECUTE FUNCTION child_states_keep();"
	  "CREATE FUNCTION visits_quarter_stats() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN " QUARTER_STATS_TOUCH("", "NEW") ";"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER visits_quarter_stats AFTER INSERT ON visits"
	  " FOR EACH ROW EXECUTE FUNCTION visits_quarter_stats();"
	  "CREATE FUNCTION verifications_quarter_stats() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'DELETE' THEN "
	  QUARTER_STATS_TOUCH(" AND quarter = OLD.quarter", "OLD") ";"
	  " ELSE " QUARTER_STATS_TOUCH(" AND quarter = NEW.quarter", "NEW") ";"
	  " END IF; RETURN NULL; END $$;"
	  "CREATE TRIGGER verifications_quarter_stats AFTER INSERT OR DELETE"
	  " ON verifications"
	  " FOR EACH ROW EXECUTE FUNCTION verifications_quarter_stats();" },
	{ 20,
	  /* Issue #19.  platforms.second_reason: why the county set up a
	   * further 儿童活动中心 in a township that has one (one per
	   * township otherwise); NULL for the first. */
	  "ALTER TABLE platforms ADD COLUMN second_reason TEXT;"
	  /* regions.exempt_*: a village-level statistical unit marked as
	   * needing no 儿童主任 and no 儿童之家 (a 虚拟生活区, a farm's
	   * living area …): the reason (NULL: not marked), who marked it
	   * and when.  Coverage and the 100-children rule leave marked
	   * units out and count them apart. */
	  "ALTER TABLE regions ADD COLUMN exempt_reason TEXT;"
	  "ALTER TABLE regions ADD COLUMN exempt_by TEXT;"
	  "ALTER TABLE regions ADD COLUMN exempt_at BIGINT;",
	  NULL, NULL },
};

/* The triggers the migrations leave on audit_log, as each engine keeps
 * them: SQLite the statement's text (as in migration 13), PostgreSQL the
 * trigger's type bits (ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE
 * 32) and its function's body (migration 1).  None on audit_head. */
static const struct {
	const char *name, *sql;
} sqlite_guards[] = {
	{ "audit_log_no_delete",
	  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	  " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END" },
	{ "audit_log_no_update",
	  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	  " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END" },
};

static const struct {
	const char *name;
	int64_t type;
} pg_guards[] = {
	{ "audit_log_no_delete", 1 | 2 | 8 },
	{ "audit_log_no_truncate", 2 | 32 },
	{ "audit_log_no_update", 1 | 2 | 16 },
};

#define PG_GUARD_BODY " BEGIN RAISE EXCEPTION 'audit_log is append-only'; END "

static const char *token_value(store_kind k, const char *tok, size_t n)
{
	if (n == 4 && memcmp(tok, "@ID@", 4) == 0)
		return k == STORE_PG
			       ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
			       : "INTEGER PRIMARY KEY";
	if (n == 6 && memcmp(tok, "@CODE@", 6) == 0)
		return k == STORE_PG ? "TEXT COLLATE \"C\"" : "TEXT";
	return NULL;
}

/* Replaces the dialect tokens for backend `k`; the caller frees. */
static char *migrate_render(store_kind k, const char *sql)
{
	buf b = BUF_INIT;
	for (const char *p = sql; *p;) {
		if (*p == '@') {
			const char *end = strchr(p + 1, '@');
			const char *v = end ? token_value(k, p, (size_t)(end - p + 1))
					    : NULL;
			if (v) {
				buf_puts(&b, v);
				p = end + 1;
				continue;
			}
		}
		buf_putc(&b, *p++);
	}
	return buf_steal(&b);
}

int store_migrate_check_guards(store *s, int *ok, char *why, size_t whysz,
			       err *e)
{
	int pg = store_kind_of(s) == STORE_PG;
	store_param body[] = { SP_S(PG_GUARD_BODY) };
	store_res *r;
	int rc = store_query(
		s,
		pg ? "SELECT t.tgname, t.tgtype, t.tgenabled = 'O'"
		     " AND t.tgattr::text = '' AND t.tgqual IS NULL"
		     " AND c.relname = 'audit_log' AND l.lanname = 'plpgsql'"
		     " AND p.proname = 'audit_log_append_only' AND p.prosrc = ?"
		     " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
		     " JOIN pg_proc p ON p.oid = t.tgfoid"
		     " JOIN pg_language l ON l.oid = p.prolang"
		     " WHERE c.relname IN ('audit_log', 'audit_head')"
		     " AND c.relnamespace = current_schema()::regnamespace"
		     " AND NOT t.tgisinternal ORDER BY t.tgname COLLATE \"C\""
		   : "SELECT name, lower(tbl_name), sql FROM sqlite_master"
		     " WHERE type = 'trigger'"
		     " AND lower(tbl_name) IN ('audit_log', 'audit_head')"
		     " ORDER BY name",
		body, pg ? 1 : 0, &r, e);
	if (rc)
		return rc;
	size_t want = pg ? sizeof pg_guards / sizeof *pg_guards
			 : sizeof sqlite_guards / sizeof *sqlite_guards;
	size_t i = 0;
	int rows = store_res_rows(r), k = 0, bad = 0;
	/* Both lists are in name order: walk them side by side. */
	while (!bad && (i < want || k < rows)) {
		const char *exp = i >= want ? NULL
				  : pg	    ? pg_guards[i].name
					    : sqlite_guards[i].name;
		const char *got = k < rows ? store_res_text(r, k, 0) : NULL;
		int c = !exp ? 1 : !got ? -1 : strcmp(exp, got);
		bad = 1;
		if (c < 0) {
			snprintf(why, whysz, "审计日志的保护触发器 %s 缺失",
				 exp);
		} else if (c > 0) {
			snprintf(why, whysz, "审计日志表上多出触发器 %s", got);
		} else if (pg ? store_res_int(r, k, 1) != pg_guards[i].type ||
					store_res_int(r, k, 2) != 1
			      : strcmp(store_res_text(r, k, 1), "audit_log") ||
					strcmp(store_res_text(r, k, 2),
					       sqlite_guards[i].sql)) {
			snprintf(why, whysz,
				 "审计日志的保护触发器 %s 被改动或停用", exp);
		} else {
			bad = 0;
			i++;
			k++;
		}
	}
	store_res_free(r);
	/* A rule rewrites statements before any trigger sees them. */
	int64_t rules = 0;
	if (!bad && pg &&
	    (rc = store_query_int(s,
				  "SELECT count(*) FROM pg_rules WHERE"
				  " schemaname = current_schema() AND"
				  " tablename IN ('audit_log', 'audit_head')",
				  NULL, 0, &rules, e)))
		return rc;
	if (rules) {
		snprintf(why, whysz, "审计日志表上多出改写规则 (RULE)");
		bad = 1;
	}
	*ok = !bad;
	if (!bad && whysz)
		why[0] = '\0';
	return 0;
}

/* One migration, unless it was applied already, and its record. */
static int migrate_one(store *s, void *arg, err *e)
{
	const migration *m = arg;
	int64_t n = 0;
	store_param p[] = { SP_I(m->version) };
	int rc = store_query_int(s,
				 "SELECT count(*) FROM schema_migrations"
				 " WHERE version = ?",
				 p, 1, &n, e);
	if (rc || n)
		return rc;
	store_kind k = store_kind_of(s);
	char *sql = m->portable ? migrate_render(k, m->portable) : NULL;
	if (sql)
		rc = s->ops->exec_script(s, sql, e);
	free(sql);
	const char *extra = k == STORE_PG ? m->pg_only : m->sqlite_only;
	if (rc == 0 && extra)
		rc = s->ops->exec_script(s, extra, e);
	store_param q[] = { SP_I(m->version), SP_I((int64_t)time(NULL)) };
	if (rc == 0)
		rc = store_exec(s,
				"INSERT INTO schema_migrations"
				" (version, applied_at) VALUES (?, ?)",
				q, 2, NULL, e);
	return rc;
}

int store_migrate(store *s, err *e)
{
	int rc = s->ops->exec_script(
		s,
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);",
		e);
	for (size_t i = 0; rc == 0 && i < sizeof migrations / sizeof *migrations;
	     i++)
		rc = store_tx(s, migrate_one, (void *)&migrations[i], e);
	return rc;
}
