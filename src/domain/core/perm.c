#include "domain/core/perm.h"

#include <string.h>

/* A name per role bit, so that a row of the table reads as the list of
 * its roles. */
#define ADMIN PERM_ROLE(ROLE_ADMIN)
#define PROVINCE PERM_ROLE(ROLE_PROVINCE)
#define CITY PERM_ROLE(ROLE_CITY)
#define COUNTY PERM_ROLE(ROLE_COUNTY)
#define SUPERVISOR PERM_ROLE(ROLE_SUPERVISOR)
#define DIRECTOR PERM_ROLE(ROLE_DIRECTOR)
#define AUDITOR PERM_ROLE(ROLE_AUDITOR)
#define SECURITY_ADMIN PERM_ROLE(ROLE_SECURITY_ADMIN)
#define AUDIT_ADMIN PERM_ROLE(ROLE_AUDIT_ADMIN)

#define EVERY_ROLE                                                        \
	(ADMIN | SECURITY_ADMIN | AUDIT_ADMIN | PROVINCE | CITY | COUNTY |   \
	 SUPERVISOR | DIRECTOR | AUDITOR)

/* The table.  SPEC §1: the officers from province to village work with
 * children's data in their scope; the auditor reads statistics and the
 * audit log of its region, never identities.  The administrators hold no
 * child data, and are three (等保2.0 level 3, 三权分立): admin runs the
 * system — users, regions, settings — but does not read the audit log;
 * security_admin grants the administrators' accounts; audit_admin reads
 * the whole log, the other two's entries included, and manages nobody.
 * The log itself no one can change (triggers, hash chain: domain/core/audit.c),
 * so none of them can erase their own trail. */
static const struct {
	const char *name;
	unsigned roles;
} table[PERM_COUNT] = {
	[PERM_PUBLIC] = { "public", 0 },
	[PERM_SESSION] = { "session", EVERY_ROLE },
	[PERM_REGION_READ] = { "region.read", EVERY_ROLE },
	[PERM_REGION_WRITE] = { "region.write", ADMIN },
	/* marking a village-level unit as needing no 儿童主任 and no 儿童之家
	 * (issue #19): the officers who answer for the coverage figures,
	 * county and above, never a village or township on its own unit */
	[PERM_REGION_EXEMPT] = { "region.exempt", PROVINCE | CITY | COUNTY },
	[PERM_SETTINGS_READ] = { "settings.read", EVERY_ROLE },
	[PERM_LABEL_WORDS_WRITE] = { "label_words.write", ADMIN },
	[PERM_CASE_LIMITS_WRITE] = { "case_limits.write", ADMIN | PROVINCE },
	[PERM_QUARTER_SET_DUE] = { "quarter.set_due", ADMIN | PROVINCE },
	/* whom: the grant table below */
	[PERM_USER_MANAGE] = { "user.manage", ADMIN | SECURITY_ADMIN |
						      PROVINCE | CITY | COUNTY |
						      SUPERVISOR },
	/* the entries of the caller's region */
	[PERM_AUDIT_READ] = { "audit.read", AUDIT_ADMIN | PROVINCE | CITY |
						    COUNTY | AUDITOR },
	/* the whole log, whatever region an entry concerns */
	[PERM_AUDIT_READ_ALL] = { "audit.read_all", AUDIT_ADMIN },
	/* counts per region, nobody named (issue #19): the dashboard and its
	 * export, the children and cases tables, staff coverage, campaign
	 * progress, the women's service counts */
	[PERM_STATS_READ] = { "stats.read", PROVINCE | CITY | COUNTY |
						    SUPERVISOR | DIRECTOR |
						    AUDITOR },
	/* full ID and phone numbers of children, women and staff (masked
	 * for the others) */
	[PERM_IDENTITY_READ] = { "identity.read",
				 COUNTY | SUPERVISOR | DIRECTOR },
	[PERM_CHILD_READ] = { "child.read", PROVINCE | CITY | COUNTY |
						    SUPERVISOR | DIRECTOR },
	[PERM_CHILD_WRITE] = { "child.write", COUNTY | SUPERVISOR | DIRECTOR },
	[PERM_CHILD_CONFIRM] = { "child.confirm", COUNTY | SUPERVISOR },
	[PERM_CHILD_EXPORT] = { "child.export", PROVINCE | CITY | COUNTY |
							SUPERVISOR | DIRECTOR },
	/* a copy of one's village's records on one's phone, to work
	 * offline (issue #23): the director's, whose scope is one village */
	[PERM_CHILD_OFFLINE] = { "child.offline", DIRECTOR },
	[PERM_STAFF_READ] = { "staff.read", PROVINCE | CITY | COUNTY |
						    SUPERVISOR | DIRECTOR },
	/* a supervisor registers the directors of its township */
	[PERM_STAFF_REGISTER] = { "staff.register",
				  PROVINCE | CITY | COUNTY | SUPERVISOR },
	[PERM_STAFF_REGISTER_SUPERVISOR] = { "staff.register_supervisor",
					     PROVINCE | CITY | COUNTY },
	[PERM_TRAINING_WRITE] = { "training.write", PROVINCE | CITY | COUNTY },
	[PERM_PLATFORM_READ] = { "platform.read", PROVINCE | CITY | COUNTY |
							  SUPERVISOR |
							  DIRECTOR },
	[PERM_PLATFORM_WRITE] = { "platform.write",
				  COUNTY | SUPERVISOR | DIRECTOR },
	[PERM_CASE_REPORT] = { "case.report", PROVINCE | CITY | COUNTY |
						      SUPERVISOR | DIRECTOR },
	[PERM_CASE_READ] = { "case.read", PROVINCE | CITY | COUNTY |
						  SUPERVISOR | DIRECTOR },
	[PERM_CASE_HANDLE] = { "case.handle",
			       PROVINCE | CITY | COUNTY | SUPERVISOR },
	/* the auditor sees the counts, never the failing records' names */
	[PERM_QUALITY_READ] = { "quality.read", PROVINCE | CITY | COUNTY |
							SUPERVISOR | DIRECTOR |
							AUDITOR },
	[PERM_QUALITY_VERIFY] = { "quality.verify",
				  COUNTY | SUPERVISOR | DIRECTOR },
	/* submitting a village's quarter */
	[PERM_QUARTER_SIGNOFF] = { "quarter.signoff",
				   COUNTY | SUPERVISOR | DIRECTOR },
	[PERM_QUARTER_SUBMIT_TOWNSHIP] = { "quarter.submit_township",
					   COUNTY | SUPERVISOR },
	/* approving a county's quarter, returning a township's */
	[PERM_QUARTER_APPROVE] = { "quarter.approve", COUNTY },
	[PERM_WOMEN_READ] = { "women.read", PROVINCE | CITY | COUNTY |
						    SUPERVISOR | DIRECTOR },
	[PERM_WOMEN_WRITE] = { "women.write", COUNTY | SUPERVISOR | DIRECTOR },
	/* large exports of whole identities (issue #17): the requester and
	 * the levels above it read a request; those who see identities whole
	 * ask; the level above decides (domain/exports/exportreq.c says which) */
	[PERM_EXPORT_READ] = { "export.read", PROVINCE | CITY | COUNTY |
						      SUPERVISOR | DIRECTOR },
	[PERM_EXPORT_REQUEST] = { "export.request",
				  COUNTY | SUPERVISOR | DIRECTOR },
	[PERM_EXPORT_APPROVE] = { "export.approve", CITY | COUNTY | SUPERVISOR },
	[PERM_EXPORT_POLICY_WRITE] = { "export_policy.write", ADMIN | PROVINCE },
};

const char *perm_name(perm_action a)
{
	return (unsigned)a < PERM_COUNT && table[a].name ? table[a].name : "";
}

int perm_parse(const char *name)
{
	for (int a = 0; name && a < PERM_COUNT; a++)
		if (table[a].name && strcmp(table[a].name, name) == 0)
			return a;
	return -1;
}

unsigned perm_roles(perm_action a)
{
	return (unsigned)a < PERM_COUNT ? table[a].roles : 0;
}

int perm_role_may(role r, perm_action a)
{
	if (a == PERM_PUBLIC)
		return 1;
	return r != ROLE_NONE && (perm_roles(a) & PERM_ROLE(r)) != 0;
}

int perm_allows(const actor *who, perm_action a)
{
	if ((unsigned)a >= PERM_COUNT)
		return 0;
	return !who->u || perm_role_may(who->u->role, a);
}

/* Who may grant whom: always strictly below one's own role, so that
 * nobody makes a peer of itself; the auditor, who reads the audit log,
 * only by admin; the administrators only by security_admin (or the
 * command line), so that admin cannot make itself an audit_admin. */
static const unsigned grants[ROLE_COUNT] = {
	[ROLE_SECURITY_ADMIN] = ADMIN | AUDIT_ADMIN,
	[ROLE_ADMIN] = PROVINCE | CITY | COUNTY | SUPERVISOR | DIRECTOR |
		       AUDITOR,
	[ROLE_PROVINCE] = CITY | COUNTY | SUPERVISOR | DIRECTOR,
	[ROLE_CITY] = COUNTY | SUPERVISOR | DIRECTOR,
	[ROLE_COUNTY] = SUPERVISOR | DIRECTOR,
	[ROLE_SUPERVISOR] = DIRECTOR,
};

unsigned perm_grants(role granter)
{
	return (unsigned)granter < ROLE_COUNT ? grants[granter] : 0;
}

int perm_may_grant(role granter, role r)
{
	return r != ROLE_NONE && (unsigned)r < ROLE_COUNT &&
	       (perm_grants(granter) & PERM_ROLE(r)) != 0;
}

int perm_need(const actor *who, perm_action a, err *e)
{
	if (perm_allows(who, a))
		return 0;
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}
