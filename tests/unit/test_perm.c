/* The permission table (domain/core/perm.c): every route of every API table
 * names a known action; each role's actions match the matrix written
 * below, so that a change to the table is a visible change here; the
 * grant rules (strictly below, auditor only by admin, the administrators
 * only by security_admin, no chain back to oneself). */
#include "testutil.h"

#include "api/api.h"
#include "domain/core/perm.h"
#include "http/http.h"

static const role all_roles[] = {
	ROLE_ADMIN,  ROLE_SECURITY_ADMIN, ROLE_AUDIT_ADMIN,
	ROLE_PROVINCE, ROLE_CITY,	  ROLE_COUNTY,
	ROLE_SUPERVISOR, ROLE_DIRECTOR,	  ROLE_AUDITOR,
};
#define NROLES (sizeof all_roles / sizeof *all_roles)

/* Actions no route names: the domain asks for them inside a workflow. */
static const char *const domain_only[] = {
	"audit.read_all", "staff.register_supervisor",
	"quarter.submit_township", "quarter.approve", NULL,
};

static int listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static void test_every_route_names_a_known_action(void **state)
{
	(void)state;
	http_routes all = api_routes();
	size_t nt = all.n;
	const route *const *tables = all.tables;
	int used[PERM_COUNT] = { 0 }, routes = 0;
	assert_true(nt >= 12);
	for (size_t t = 0; t < nt; t++) {
		for (const route *rt = tables[t]; rt->method; rt++, routes++) {
			const char *name = perm_name(rt->action);
			if ((unsigned)rt->action >= PERM_COUNT || !*name)
				fail_msg("%s %s: unknown action %d", rt->method,
					 rt->pattern, (int)rt->action);
			assert_int_equal(perm_parse(name), rt->action);
			used[rt->action]++;
			/* nobody at all may take it: a dead route */
			if (rt->action != PERM_PUBLIC && !perm_roles(rt->action))
				fail_msg("%s %s: %s has no role", rt->method,
					 rt->pattern, name);
			/* without a session: exactly these four (the code
			 * tables hold nobody's data) */
			int pub = rt->action == PERM_PUBLIC;
			int meant = (!strcmp(rt->method, "POST") &&
				     !strcmp(rt->pattern, "/api/v1/session")) ||
				    !strcmp(rt->pattern, "/api/v1/health") ||
				    !strcmp(rt->pattern, "/api/v1/codes") ||
				    !strcmp(rt->pattern,
					    "/api/v1/certificates/verify/{number}");
			if (pub != meant)
				fail_msg("%s %s: public is %d", rt->method,
					 rt->pattern, pub);
		}
	}
	assert_true(routes > 90);
	/* every action is named by some route, or asked by the domain */
	for (int a = 0; a < PERM_COUNT; a++) {
		const char *name = perm_name(a);
		assert_true(*name);
		for (int b = 0; b < a; b++)
			assert_string_not_equal(name, perm_name(b));
		if (!used[a] && !listed(domain_only, name))
			fail_msg("action %s is named by no route", name);
		if (used[a] && listed(domain_only, name))
			fail_msg("action %s is named by a route", name);
	}
	assert_int_equal(perm_parse("child.delete"), -1);
	assert_int_equal(perm_parse(NULL), -1);
	assert_string_equal(perm_name(PERM_COUNT), "");
}

/* The matrix: each role's actions, in the table's order.  The officers
 * work with records in their scope; the auditor reads counts and the log
 * of its region; admin runs the system but reads neither child data nor
 * the log; security_admin grants administrators; audit_admin reads the
 * whole log and nothing else. */
static const struct {
	role r;
	const char *actions;
} matrix[] = {
	{ ROLE_ADMIN, "session region.read region.write settings.read "
		      "label_words.write case_limits.write quarter.set_due "
		      "user.manage export_policy.write" },
	{ ROLE_SECURITY_ADMIN, "session region.read settings.read user.manage" },
	{ ROLE_AUDIT_ADMIN, "session region.read settings.read audit.read "
			    "audit.read_all" },
	{ ROLE_PROVINCE,
	  "session region.read region.exempt settings.read case_limits.write quarter.set_due "
	  "user.manage audit.read stats.read child.read child.export "
	  "staff.read staff.register staff.register_supervisor training.write "
	  "platform.read case.report case.read case.handle quality.read "
	  "women.read export.read export_policy.write" },
	{ ROLE_CITY,
	  "session region.read region.exempt settings.read user.manage audit.read "
	  "stats.read child.read child.export staff.read staff.register "
	  "staff.register_supervisor training.write platform.read case.report "
	  "case.read case.handle quality.read women.read export.read "
	  "export.approve" },
	{ ROLE_COUNTY,
	  "session region.read region.exempt settings.read user.manage audit.read "
	  "stats.read identity.read child.read child.write child.confirm "
	  "child.export staff.read staff.register staff.register_supervisor "
	  "training.write platform.read platform.write case.report case.read "
	  "case.handle quality.read quality.verify quarter.signoff "
	  "quarter.submit_township quarter.approve women.read women.write "
	  "export.read export.request export.approve" },
	{ ROLE_SUPERVISOR,
	  "session region.read settings.read user.manage stats.read "
	  "identity.read child.read child.write child.confirm child.export "
	  "staff.read staff.register platform.read platform.write case.report "
	  "case.read case.handle quality.read quality.verify quarter.signoff "
	  "quarter.submit_township women.read women.write export.read "
	  "export.request export.approve" },
	{ ROLE_DIRECTOR,
	  "session region.read settings.read stats.read identity.read "
	  "child.read child.write child.export child.offline staff.read "
	  "platform.read platform.write case.report case.read quality.read "
	  "quality.verify quarter.signoff women.read women.write export.read "
	  "export.request" },
	{ ROLE_AUDITOR, "session region.read settings.read audit.read "
			"stats.read quality.read" },
	{ ROLE_NONE, "" },
};

static void test_each_roles_actions_match_the_matrix(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof matrix / sizeof *matrix; i++) {
		char got[1024] = "";
		size_t n = 0;
		for (int a = PERM_PUBLIC + 1; a < PERM_COUNT; a++)
			if (perm_role_may(matrix[i].r, a))
				n += (size_t)snprintf(got + n, sizeof got - n,
						      "%s%s", n ? " " : "",
						      perm_name(a));
		if (strcmp(got, matrix[i].actions))
			fail_msg("%s:\n  got    %s\n  expect %s",
				 account_role_name(matrix[i].r), got,
				 matrix[i].actions);
		/* a public route is open to every role */
		assert_true(perm_role_may(matrix[i].r, PERM_PUBLIC));
	}
	/* an action outside the table: nobody */
	assert_false(perm_role_may(ROLE_COUNTY, PERM_COUNT));
}

static void test_the_command_line_may_take_every_action(void **state)
{
	(void)state;
	actor cli = { .u = NULL, .now = 1 };
	for (int a = 0; a < PERM_COUNT; a++) {
		err e;
		assert_true(perm_allows(&cli, a));
		assert_int_equal(perm_need(&cli, a, &e), 0);
	}
	assert_false(perm_allows(&cli, PERM_COUNT));
	/* a user acts with its role's rights, and is told so in Chinese */
	user u = { .role = ROLE_AUDITOR };
	actor aud = { .u = &u, .now = 1 };
	err e;
	err_clear(&e);
	assert_int_equal(perm_need(&aud, PERM_CHILD_READ, &e), ERR_FORBIDDEN);
	assert_string_equal(e.key, "forbidden");
	assert_true(strlen(e.msg) > 0);
	assert_int_equal(perm_need(&aud, PERM_STATS_READ, &e), 0);
}

static void test_grant_rules(void **state)
{
	(void)state;
	/* the whole grant matrix, written out */
	static const struct {
		role r;
		const char *grants;
	} want[] = {
		{ ROLE_SECURITY_ADMIN, "admin audit_admin" },
		{ ROLE_ADMIN, "auditor director supervisor county city province" },
		{ ROLE_PROVINCE, "director supervisor county city" },
		{ ROLE_CITY, "director supervisor county" },
		{ ROLE_COUNTY, "director supervisor" },
		{ ROLE_SUPERVISOR, "director" },
		{ ROLE_DIRECTOR, "" },
		{ ROLE_AUDITOR, "" },
		{ ROLE_AUDIT_ADMIN, "" },
		{ ROLE_NONE, "" },
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		char got[256] = "";
		size_t n = 0;
		for (int r = ROLE_NONE; r < ROLE_COUNT; r++)
			if (perm_may_grant(want[i].r, r))
				n += (size_t)snprintf(got + n, sizeof got - n,
						      "%s%s", n ? " " : "",
						      account_role_name(r));
		if (strcmp(got, want[i].grants))
			fail_msg("%s grants %s, not %s",
				 account_role_name(want[i].r), got,
				 want[i].grants);
	}
	for (size_t i = 0; i < NROLES; i++) {
		role r = all_roles[i];
		/* nobody grants its own role, nor ROLE_NONE */
		assert_false(perm_may_grant(r, r));
		assert_false(perm_may_grant(r, ROLE_NONE));
		assert_false(perm_may_grant(r, ROLE_COUNT));
		/* the auditor only from admin; the administrators only from
		 * security_admin */
		assert_int_equal(perm_may_grant(r, ROLE_AUDITOR),
				 r == ROLE_ADMIN);
		assert_int_equal(perm_may_grant(r, ROLE_ADMIN),
				 r == ROLE_SECURITY_ADMIN);
		assert_int_equal(perm_may_grant(r, ROLE_AUDIT_ADMIN),
				 r == ROLE_SECURITY_ADMIN);
		assert_false(perm_may_grant(r, ROLE_SECURITY_ADMIN));
		/* a role that grants is one that may manage users */
		assert_int_equal(perm_grants(r) != 0,
				 perm_role_may(r, PERM_USER_MANAGE));
		/* no chain of grants leads back to oneself */
		unsigned reach = perm_grants(r), seen = 0;
		while (reach != seen) {
			seen = reach;
			for (int g = 0; g < ROLE_COUNT; g++)
				if (seen & PERM_ROLE(g))
					reach |= perm_grants((role)g);
		}
		if (reach & PERM_ROLE(r))
			fail_msg("%s can come back to itself",
				 account_role_name(r));
	}
	/* issue #17: the supervisor dudao made an auditor */
	assert_false(perm_may_grant(ROLE_SUPERVISOR, ROLE_AUDITOR));
	assert_false(perm_may_grant(ROLE_COUNTY, ROLE_AUDITOR));
	/* strictly below along the levels */
	static const role chain[] = { ROLE_PROVINCE, ROLE_CITY, ROLE_COUNTY,
				      ROLE_SUPERVISOR, ROLE_DIRECTOR };
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++)
			assert_int_equal(perm_may_grant(chain[i], chain[j]),
					 j > i);
	/* admin cannot reach the audit log through anyone it grants */
	unsigned from_admin = perm_grants(ROLE_ADMIN);
	for (int g = 0; g < ROLE_COUNT; g++)
		if (from_admin & PERM_ROLE(g))
			assert_false(perm_role_may((role)g, PERM_AUDIT_READ_ALL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_names_a_known_action),
		cmocka_unit_test(test_each_roles_actions_match_the_matrix),
		cmocka_unit_test(test_the_command_line_may_take_every_action),
		cmocka_unit_test(test_grant_rules),
	};
	return cmocka_run_group_tests_name("perm", tests, NULL, NULL);
}
