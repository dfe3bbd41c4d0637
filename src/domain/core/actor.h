/* actor — who is acting, from where and when: passed to every domain call
 * that checks scope or writes the audit log. */
#ifndef GUANAI_ACTOR_H
#define GUANAI_ACTOR_H

#include <stdint.h>

struct user;

typedef struct actor {
	const struct user *u;	/* NULL: the command line (system) */
	const char *ip;		/* client address, NULL or "" for the CLI */
	int64_t now;
} actor;

/* The actor's scope region ("" for the command line: everything) and
 * the name the audit log records ("system" for the command line). */
const char *actor_scope(const actor *who);
const char *actor_name(const actor *who);

#endif
