/* devicekey — the key the UI encrypts its copy on the device with
 * (issue #23; docs/OFFLINE.md has the threat model).
 *
 * One random 256-bit key per user, made on first demand and kept in the
 * database; the server releases it to that user's sessions only.  The UI
 * holds it in memory while a session lasts and keeps it on the device
 * only wrapped under a key derived from the user's password, so that a
 * phone at rest shows nothing without that password. */
#ifndef GUANAI_DEVICEKEY_H
#define GUANAI_DEVICEKEY_H

#include "domain/core/actor.h"
#include "store/store.h"
#include "util/err.h"

/* Base64 of 32 bytes, and its NUL. */
enum { DEVICEKEY_TEXT = 45 };

/* The device key of the acting user, made now if it has none.  Errors:
 * ERR_FORBIDDEN for the command line (it has no device), ERR_STORE. */
int devicekey_get(store *s, const actor *who, char out[DEVICEKEY_TEXT],
		  err *e);

#endif
