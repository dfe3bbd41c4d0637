/* static — serves the built browser UI from a directory. */
#ifndef GUANAI_STATIC_H
#define GUANAI_STATIC_H

#include <microhttpd.h>

/* Serves `url` from `dir`: "/" and unknown paths without an extension get
 * index.html (the UI routes in the browser); a path with "..", a NUL or a
 * backslash is refused.  Only GET and HEAD.  `dir` NULL: there is no UI
 * (503 for a page, 404 for a file). */
enum MHD_Result static_serve(struct MHD_Connection *c, const char *dir,
			     const char *url, const char *method);

#endif
