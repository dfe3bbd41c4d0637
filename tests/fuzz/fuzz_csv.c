/* Fuzzes the CSV reader on arbitrary file contents: every row it hands
 * over respects the caps, and a failure always carries a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csvfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_row(void *ctx, char **f, int n, long line, err *e)
{
	(void)ctx;
	(void)e;
	if (n > CSVFILE_MAX_FIELDS || line < 1)
		__builtin_trap();
	for (int i = 0; i < n; i++)
		if (strlen(f[i]) > CSVFILE_MAX_FIELD)
			__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/guanai-fuzz-csv-%d", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	err e;
	err_clear(&e);
	if (csvfile_read(path, on_row, NULL, &e) != 0 && e.msg[0] == '\0')
		__builtin_trap();
	unlink(path);
	return 0;
}
