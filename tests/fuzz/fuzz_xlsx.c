/* Fuzzes the xlsx reader on arbitrary file contents: every row it hands
 * over respects the caps, comes in order and is valid UTF-8, the file and
 * memory entry points agree, and a failure always carries a message.
 *
 * An input that starts with "#parts\n" is not used as the file itself:
 * the rest, split at "\n=====\n", becomes the worksheet, shared strings,
 * workbook and workbook relationships of a stored (uncompressed) zip made
 * here.  A mutated zip fails its CRC before any XML is read; this way the
 * mutations reach the XML handling too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "io/xlsxin.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_row(void *ctx, char **f, int n, long row, err *e)
{
	long *last = ctx;
	(void)e;
	if (n < 1 || n > XLSXIN_MAX_COLS || row <= *last ||
	    row > XLSXIN_MAX_ROWS)
		__builtin_trap();
	*last = row;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(f[i]);
		if (len > XLSXIN_MAX_CELL || !text_is_utf8(f[i], len))
			__builtin_trap();
	}
	return 0;
}

static const char BOOK[] =
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"a\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
static const char BOOK_RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
    "Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";

static const uint8_t *find(const uint8_t *s, const uint8_t *end,
			   const char *what, size_t n)
{
	for (; (size_t)(end - s) >= n; s++)
		if (memcmp(s, what, n) == 0)
			return s;
	return NULL;
}

/* Writes the parts of `data` as a stored zip at `path`. */
static int build_zip(const char *path, const uint8_t *data, size_t size)
{
	static const char *const names[] = {
	    "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
	    "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
	static const char sep[] = "\n=====\n";
	const char *p[4] = {NULL, NULL, BOOK, BOOK_RELS};
	size_t len[4] = {0, 0, sizeof BOOK - 1, sizeof BOOK_RELS - 1};
	const uint8_t *s = data, *end = data + size;
	for (int i = 0; i < 4 && s <= end; i++) {
		const uint8_t *next = find(s, end, sep, sizeof sep - 1);
		p[i] = (const char *)s;
		len[i] = (size_t)((next ? next : end) - s);
		s = next ? next + sizeof sep - 1 : end + 1;
	}
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (!p[i])
			continue;
		zip_source_t *src = zip_source_buffer(z, p[i], len[i], 0);
		zip_int64_t idx = src ? zip_file_add(z, names[i], src, 0) : -1;
		if (idx < 0) {
			zip_source_free(src);
			zip_discard(z);
			return -1;
		}
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	return zip_close(z) == 0 ? 0 : (zip_discard(z), -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "#parts\n";
	char path[64];
	snprintf(path, sizeof path, "/tmp/guanai-fuzz-xlsx-%d", (int)getpid());
	int parts = size >= sizeof magic - 1 &&
		    memcmp(data, magic, sizeof magic - 1) == 0;
	if (parts) {
		if (build_zip(path, data + sizeof magic - 1,
			      size - (sizeof magic - 1)) != 0)
			return 0;
	} else {
		FILE *f = fopen(path, "wb");
		if (!f)
			return 0;
		fwrite(data, 1, size, f);
		fclose(f);
	}
	err e;
	err_clear(&e);
	long last = 0;
	int rc = xlsxin_read(path, on_row, &last, &e);
	if (rc != 0 && e.msg[0] == '\0')
		__builtin_trap();
	if (!parts) {
		err_clear(&e);
		last = 0;
		if (xlsxin_read_mem(data, size, on_row, &last, &e) != rc)
			__builtin_trap();
	}
	unlink(path);
	return 0;
}
