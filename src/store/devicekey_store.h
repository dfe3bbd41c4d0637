/* devicekey_store — the SQL of the device keys (domain/devicekey.h):
 * one random key per user, which the UI encrypts its copy on the device
 * with. */
#ifndef GUANAI_DEVICEKEY_STORE_H
#define GUANAI_DEVICEKEY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The device key of `user` (its text form), or `fresh` stored now when
 * it has none; the first of concurrent callers wins, and each gets the
 * same answer.  out: at least n bytes.  Errors: ERR_STORE. */
int devicekey_store_get(store *s, int64_t user, const char *fresh,
			int64_t now, char *out, size_t n, err *e);

#endif
