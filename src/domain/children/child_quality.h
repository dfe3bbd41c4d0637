/* child_quality — the part of the quality rules (SPEC §11, Q01–Q11) a
 * record fails by its own facts, computed on every write and stored with
 * the record (children.qflags), so that the quarter's report counts them
 * without reading a record.  The rest of the rules, which need the
 * quarter, are quarterly/quality.c's. */
#ifndef GUANAI_CHILD_QUALITY_H
#define GUANAI_CHILD_QUALITY_H

#include "domain/children/child.h"

/* Bits of the rules decided by a record's facts alone. */
enum {
	QF_Q01 = 1,	/* guardian name, relationship or phone missing */
	QF_Q02 = 2,	/* 失辍学 without explanation */
	QF_Q03 = 4,	/* ID check digit wrong */
	QF_Q04 = 8,	/* ID disagrees with birth date or sex */
	QF_Q07 = 64,	/* a parent without name or status */
	QF_Q10 = 512,	/* a phone number malformed */
};

/* The QF_ bits of the rules `c` fails by its own facts. */
unsigned child_quality_flags(const child *c);

#endif
