/* privacy — who sees which personal numbers whole, and what the others
 * see instead (SPEC §10; issue #17; docs/API.md "Masking").
 *
 * The rule, for every answer — JSON, xlsx, PDF — about the people on
 * record (children, their parents and guardians, left-behind women,
 * staff, the reporters of cases):
 *
 *   1. The roles that work with those people — county, supervisor,
 *      director: the action identity.read of domain/core/perm.c — and the
 *      command line see ID numbers, phone numbers and
 *      birth dates whole.  province and city see them masked; admin and
 *      auditor get no such records at all.
 *   2. An ID number is masked to its first 6 and last 4 characters,
 *      "220122********7840" (idcard_mask); a phone number to its first 3
 *      and last 4, "138****5678"; a disability certificate number (the
 *      holder's ID number and two digits) like an ID number.
 *   3. The 8 hidden digits of a masked ID number are exactly the birth
 *      date (GB 11643), and the check digit left visible is a function of
 *      all 17 others.  So an answer that masks a person's ID number
 *      carries no birth date of that person, neither whole nor in part:
 *      `birth_date` is null (a column left out of a sheet, "不显示" on a
 *      form) and `age`, whole years as of the answer's date, stands for
 *      it.  The age puts the birth date in a window of one year, whose
 *      days the check digit thins to about 1 in 11: some 33 candidates
 *      remain, never fewer than 29.  A year or a month of birth beside
 *      the age would cut that to two or three, so neither is given.
 *   4. Nor may the masked roles learn the hidden digits from what they
 *      can ask: lists refuse them a search by ID number (a prefix, or a
 *      whole candidate number, would confirm the digits one by one) and
 *      a sort by birth date (a child's rank among thousands sorted by
 *      birth date dates it to within days); history entries show "***"
 *      for every change of an ID number, phone, birth date or
 *      certificate number.
 *
 * Rule 1 is by answer kind, and for ID numbers lists differ (issue #23):
 *
 *   5. Lists and searches — what a phone shows as a row or a card, read
 *      over a shoulder in a farmhouse — carry every ID number masked for
 *      every role, and so (rule 3) no birth date beside it, the age
 *      standing for it.  Phones in lists stay as rule 1 has them (the
 *      director taps them to call).  The whole ID number is on the
 *      record only, for the roles of rule 1; the record's page shows it
 *      masked until asked, and that reveal is audited (identity_reveal,
 *      childrec_reveal).  What a role may search and sort by stays
 *      rule 4's: the roles of rule 1 read whole numbers on the record,
 *      so a search by number tells them nothing new. */
#ifndef GUANAI_PRIVACY_H
#define GUANAI_PRIVACY_H

#include <stddef.h>

#include "domain/core/actor.h"

/* The kinds of answer that show people's numbers. */
typedef enum privacy_answer {
	PRIVACY_LIST,	/* a list or search of records */
	PRIVACY_RECORD, /* one record, its history, its printed form */
	PRIVACY_EXPORT, /* a file of many records */
} privacy_answer;

/* May `who` see ID numbers, phones and birth dates whole in this kind of
 * answer?  1 for county, supervisor, director and the command line.
 * For ID numbers and birth dates in lists, ask privacy_id_full. */
int privacy_full(const actor *who, privacy_answer where);

/* May `who` see ID numbers — and birth dates, their hidden part — whole
 * in this kind of answer?  Never in a list (rule 5); elsewhere as
 * privacy_full. */
int privacy_id_full(const actor *who, privacy_answer where);

/* "220122********7840": see idcard_mask.  Also for a disability
 * certificate number (an ID number and two digits). */
void privacy_mask_id(const char *id, char out[19]);

/* "138****5678", "043****1234" for a landline; "****" for anything of
 * fewer than 7 characters; "" stays "".  `out` holds n bytes (at least
 * 12). */
void privacy_mask_phone(const char *in, char *out, size_t n);

/* Field names (as history entries and exports name them: "id_number",
 * "father.phone", "birth_date", "disability.certificate_no") whose values
 * a masked role never sees. */
int privacy_hidden_field(const char *field);

#endif
