/* perm — the one permission table: which roles may take which action, and
 * which roles a role may grant.
 *
 * Every route of the API names one action (http/http.h), the server asks
 * this table before the handler runs, the domain asks it again for the
 * same action (and for the finer ones no route names: seeing full ID
 * numbers, submitting a township's quarter …), `GET /api/v1/session`
 * lists the caller's actions and grantable roles from it, and the UI shows
 * and hides by that list.  A role list anywhere else is a bug.
 *
 * What must stay true:
 *   - an action's roles are written once, in perm.c, and nowhere else;
 *   - the command line (an actor without a user) is the operator at the
 *     server's console: it may take every action over the whole tree.
 *     Commands that act for a person (`import children --as USER`) act
 *     with that user's rights instead;
 *   - nobody grants its own role or one it is not listed for (the grant
 *     table); `auditor` is granted only by `admin`, and the three
 *     administrators (等保 三权分立: admin, security_admin, audit_admin)
 *     only by `security_admin` or the console. */
#ifndef GUANAI_PERM_H
#define GUANAI_PERM_H

#include "domain/core/actor.h"
#include "store/user_store.h"
#include "util/err.h"

typedef enum perm_action {
	PERM_PUBLIC = 0,	/* no session: login, health, certificate check */
	PERM_SESSION,		/* one's own session and password */
	PERM_REGION_READ,
	PERM_REGION_WRITE,
	PERM_REGION_EXEMPT,
	PERM_SETTINGS_READ,
	PERM_LABEL_WORDS_WRITE,
	PERM_CASE_LIMITS_WRITE,
	PERM_QUARTER_SET_DUE,
	PERM_USER_MANAGE,
	PERM_AUDIT_READ,
	PERM_AUDIT_READ_ALL,
	PERM_STATS_READ,
	PERM_IDENTITY_READ,
	PERM_CHILD_READ,
	PERM_CHILD_WRITE,
	PERM_CHILD_CONFIRM,
	PERM_CHILD_EXPORT,
	PERM_CHILD_OFFLINE,
	PERM_STAFF_READ,
	PERM_STAFF_REGISTER,
	PERM_STAFF_REGISTER_SUPERVISOR,
	PERM_TRAINING_WRITE,
	PERM_PLATFORM_READ,
	PERM_PLATFORM_WRITE,
	PERM_CASE_REPORT,
	PERM_CASE_READ,
	PERM_CASE_HANDLE,
	PERM_QUALITY_READ,
	PERM_QUALITY_VERIFY,
	PERM_QUARTER_SIGNOFF,
	PERM_QUARTER_SUBMIT_TOWNSHIP,
	PERM_QUARTER_APPROVE,
	PERM_WOMEN_READ,
	PERM_WOMEN_WRITE,
	PERM_EXPORT_READ,
	PERM_EXPORT_REQUEST,
	PERM_EXPORT_APPROVE,
	PERM_EXPORT_POLICY_WRITE,
	PERM_COUNT
} perm_action;

/* A role as a bit of a role mask. */
#define PERM_ROLE(r) (1u << (unsigned)(r))

/* The action's stable name ("child.read"); "" outside the table. */
const char *perm_name(perm_action a);

/* The action of a name, or -1 when there is none. */
int perm_parse(const char *name);

/* The roles that may take `a`, as PERM_ROLE() bits (0 outside the
 * table, and for PERM_PUBLIC, which needs no role at all). */
unsigned perm_roles(perm_action a);

/* May a user of role `r` take `a`?  PERM_PUBLIC: yes for every role. */
int perm_role_may(role r, perm_action a);

/* May `who` take `a`?  The command line (who->u NULL) may take all. */
int perm_allows(const actor *who, perm_action a);

/* 0 when perm_allows(who, a); otherwise ERR_FORBIDDEN "forbidden" with a
 * Chinese message. */
int perm_need(const actor *who, perm_action a, err *e);

/* The roles a user of role `granter` may create, or move a user to, as
 * PERM_ROLE() bits.  It manages (edits, resets, unlocks, disables) only
 * users whose current role it may grant.  The command line is not a
 * role: it grants every role. */
unsigned perm_grants(role granter);
int perm_may_grant(role granter, role r);

#endif
