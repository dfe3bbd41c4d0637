#include "http/static.h"

#include "http/compress.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext, *type;
} mime[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".ttf", "font/ttf" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".map", "application/json" },
};

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof mime / sizeof *mime; i++)
			if (strcmp(dot, mime[i].ext) == 0)
				return mime[i].type;
	return "application/octet-stream";
}

static enum MHD_Result plain(struct MHD_Connection *c, unsigned status,
			     const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static int has_ext(const char *url)
{
	const char *slash = strrchr(url, '/');
	return strchr(slash ? slash : url, '.') != NULL;
}

/* Opens `rel` ("/a/b.js": below `dir`, no "..") as a regular file
 * without following a symbolic link anywhere below `dir`: a link in the
 * web root (web/dist/x -> /elsewhere) must not reach out of it.  Each
 * directory is opened from the one before with O_NOFOLLOW, so nothing
 * can be swapped in between a check and the open.  `dir` itself may be a
 * link. */
static int open_below(const char *dir, const char *rel, struct stat *sb)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = rel;
	while (dfd >= 0) {
		while (*p == '/')
			p++;
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		char name[256];
		size_t n = (size_t)(slash - p);
		int next = -1;
		if (n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			next = openat(dfd, name,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					      O_CLOEXEC);
		}
		close(dfd);
		dfd = next;
		p = slash + 1;
	}
	if (dfd < 0)
		return -1;
	/* O_NONBLOCK: a FIFO must not hold the worker in open(). */
	int fd = *p ? openat(dfd, p,
			     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
		    : -1;
	close(dfd);
	if (fd < 0)
		return -1;
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A strong validator of the file as sent: its size, change time and
 * inode, and whether it is the gzip form (other bytes, so another tag). */
static void etag_of(const struct stat *sb, int gz, char *out, size_t n)
{
	snprintf(out, n, "\"%llx-%llx-%llx%s\"",
		 (unsigned long long)sb->st_size,
		 (unsigned long long)sb->st_mtim.tv_sec * 1000u +
			 (unsigned long long)sb->st_mtim.tv_nsec / 1000000u,
		 (unsigned long long)sb->st_ino, gz ? "-gz" : "");
}

/* The headers every answer of a file carries, 200 and 304 alike. */
static void file_headers(struct MHD_Response *r, const char *url,
			 const char *etag)
{
	MHD_add_response_header(r, "Vary", "Accept-Encoding");
	MHD_add_response_header(r, "ETag", etag);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(
		r, "Content-Security-Policy",
		"default-src 'self'; style-src 'self' 'unsafe-inline'; "
		"img-src 'self' data:; object-src 'none'; frame-ancestors 'none'");
	/* Vite names assets by content hash: they never change under a
	 * name, and a phone keeps them for a year without asking again.
	 * Everything else (index.html, the service worker, the manifest and
	 * its icons) is asked again each time, answered 304 by its ETag
	 * while it has not changed: a new release reaches every phone on
	 * its next start. */
	MHD_add_response_header(r, "Cache-Control",
				strncmp(url, "/assets/", 8) == 0
					? "public, max-age=31536000, immutable"
					: "no-cache");
}

enum MHD_Result static_serve(struct MHD_Connection *c, const char *dir,
			     const char *url, const char *method)
{
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return plain(c, 405, "不支持的请求方法\n");
	if (strstr(url, "..") || strchr(url, '\\') || url[0] != '/')
		return plain(c, 400, "路径无效\n");
	char path[4096];
	int spa = strcmp(url, "/") == 0 || !has_ext(url);
	/* No UI found at start: answer as for a missing file, and never
	 * look for files below an empty directory name. */
	if (!dir || !*dir)
		return spa ? plain(c, 503, "界面尚未构建：请运行 make web\n")
			   : plain(c, 404, "文件不存在\n");
	if (snprintf(path, sizeof path, "%s", spa ? "/index.html" : url) >=
	    (int)sizeof path)
		return plain(c, 414, "路径过长\n");
	struct stat sb;
	int fd = -1, gz = 0;
	/* The build leaves a .gz beside each large asset: a phone on a slow
	 * link gets a third of the bytes. */
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     "Accept-Encoding");
	if (http_accepts_gzip(ae)) {
		char gzpath[sizeof path + 3];
		snprintf(gzpath, sizeof gzpath, "%s.gz", path);
		fd = open_below(dir, gzpath, &sb);
		gz = fd >= 0;
	}
	if (fd < 0)
		fd = open_below(dir, path, &sb);
	if (fd < 0)
		return spa ? plain(c, 503,
				   "界面尚未构建：请运行 make（web/dist 缺失）\n")
			   : plain(c, 404, "文件不存在\n");
	char etag[80];
	etag_of(&sb, gz, etag, sizeof etag);
	if (http_etag_matches(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     "If-None-Match"),
			 etag)) {
		close(fd);
		struct MHD_Response *nm = MHD_create_response_from_buffer(
			0, (void *)"", MHD_RESPMEM_PERSISTENT);
		file_headers(nm, spa ? "/index.html" : url, etag);
		enum MHD_Result ret =
			MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, nm);
		MHD_destroy_response(nm);
		return ret;
	}
	struct MHD_Response *r =
		MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	MHD_add_response_header(r, "Content-Type", mime_of(path));
	if (gz)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	file_headers(r, spa ? "/index.html" : url, etag);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}
