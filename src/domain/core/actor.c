#include "domain/core/actor.h"

#include "store/user_store.h"

const char *actor_scope(const actor *who)
{
	return who->u ? who->u->region : "";
}

const char *actor_name(const actor *who)
{
	return who->u ? who->u->username : "system";
}
