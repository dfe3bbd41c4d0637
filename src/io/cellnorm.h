/* cellnorm — spreadsheet cells as people type them, made into what the
 * validation expects, before it looks at them (issue #20).
 *
 * County and township files are typed by hand in Excel, WPS and
 * LibreOffice, pasted from web pages and Word: they hold no-break and
 * ideographic spaces, zero-width characters, full-width digits and
 * letters, ID and phone numbers in groups, dates in Chinese, Excel
 * serials, CSV cells written `="…"` to keep Excel from turning a number
 * into a float.  Every function here takes such a cell and gives the
 * plain form, or says it cannot; none of them knows what a field means.
 *
 * They run on every cell of every row of an import (a million rows is
 * the target size), so each is one pass over the bytes, in place where
 * the result can only shrink, with no allocation.  Bidirectional
 * controls are NOT removed: they can make a text read other than it is,
 * so the text checks refuse them (text.h) rather than this hiding them. */
#ifndef GUANAI_CELLNORM_H
#define GUANAI_CELLNORM_H

#include <stddef.h>

/* Text, in place: `="…"` unwrapped; the Unicode spaces (no-break,
 * ideographic, the U+2000 block, narrow no-break, tab) made one ASCII
 * space; zero-width characters (U+200B-U+200D, U+2060, U+FEFF) removed;
 * full-width digits and letters made ASCII (full-width punctuation, which
 * Chinese text uses, is kept), or when `structured` every full-width
 * ASCII form (U+FF01-U+FF5E), for codes, numbers and dates; line breaks
 * (CR LF, CR) made LF when `multiline`, else one space; spaces at both
 * ends removed.  Returns the new length.  Invalid UTF-8 is left as it is,
 * for the text checks to refuse. */
size_t cellnorm_text(char *s, int multiline, int structured);

/* An ID number cell already through cellnorm_text(…, 1): digit groups
 * ("220122 20120501 0014", "220122-2012…") joined, a leading apostrophe
 * dropped, a final x made X.  Returns 0, or -1 when the cell is a number
 * Excel wrote in scientific form (2.20122201402289E+17) or as a float:
 * its last digits are lost and only retyping the column as text helps. */
int cellnorm_idnumber(char *s);

/* A phone cell already through cellnorm_text(…, 1), in place: spaces,
 * dashes, dots and brackets of a mobile number removed, with a +86, 0086
 * or 86 in front; a landline keeps one hyphen after its area code
 * ("(0431) 8123 4567" → "0431-81234567").  Anything else is left for the
 * validation to refuse. */
void cellnorm_phone(char *s);

/* Digits only (region codes, which Excel may have turned into numbers):
 * spaces removed in place, and a number written "2.20122100207E+11" or
 * "220122.0" given back as its integer when that is exact.  Returns `s`,
 * or `out` when the integer is longer than the cell was. */
const char *cellnorm_digits(char *s, char out[32]);

/* A date as "YYYY-MM-DD" in `out`: 2018-07-09, 2018/7/9, 2018.7.9,
 * 20180709, 2018年7月9日 (or 号), each with or without a time after it
 * (" 00:00:00", "T08:30"), and Excel serial numbers (a fraction is a time
 * of day and ignored) in the workbook's date system: `date1904` for
 * workbooks whose workbook.xml says date1904 (old Mac Excel), where
 * serial 0 is 1904-01-01.  Returns 0, or -1 (and "" in `out`) for
 * anything else, a day that does not exist included. */
int cellnorm_date(const char *s, int date1904, char out[11]);

/* 是/否, 1/0, TRUE/FALSE, Y/N, yes/no (any case): 1 or 0; -1 otherwise. */
int cellnorm_bool(const char *s);

/* "A" for column 0, "AB" for column 27: the letters of a cell reference. */
void cellnorm_col_name(int col, char out[8]);

#endif
