/* Fuzzes region code parsing and the text checks: a code that passes must
 * be digits of a valid length, and normalising it again changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/region.h"
#include "util/mem.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmemdupz(data, size);
	char out[REGION_CODE_MAX], again[REGION_CODE_MAX];
	err e;
	if (region_normalize(s, out, &e) == 0) {
		if (!text_is_digits(out) || !region_level_of(out))
			__builtin_trap();
		if (region_normalize(out, again, &e) != 0 ||
		    (strlen(out) < 12 && strcmp(out, again) != 0))
			__builtin_trap();
		if (!region_in_scope(out, out))
			__builtin_trap();
	}
	if (text_valid_name(s, 1, 60) && !text_is_utf8(s, strlen(s)))
		__builtin_trap();
	free(s);
	return 0;
}
