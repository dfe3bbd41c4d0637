#include "domain/core/health.h"

#include "util/log.h"

int health_check(store *s, err *e)
{
	err why;
	err_clear(&why);
	if (store_ping(s, HEALTH_TIMEOUT_MS, &why) == 0)
		return 0;
	/* Anyone may ask: the engine's message (which can name hosts and
	 * databases) stays in the log. */
	log_error("health: the database does not answer: %s (%s)", why.msg,
		  why.key);
	return err_set(e, ERR_UNAVAILABLE, "db_unavailable", "数据库无响应");
}
