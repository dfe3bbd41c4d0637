/* Fuzzes the router with hostile paths: a match never overruns the path
 * parameters and every parameter is a whole, slash-free segment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/http.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "PATCH",
					       "DELETE", "PUT" };
	char *path = xmemdupz(data, size);
	req r;
	memset(&r, 0, sizeof r);
	int known;
	http_routes rs = api_routes();
	const route *rt = http_route_match(&rs, methods[size % 5], path, &r,
					   &known);
	if (rt) {
		if (r.nparams < 0 || r.nparams > HTTP_MAX_PARAMS)
			__builtin_trap();
		for (int i = 0; i < r.nparams; i++)
			if (strchr(r.params[i], '/') || !r.params[i][0])
				__builtin_trap();
	}
	free(path);
	return 0;
}
