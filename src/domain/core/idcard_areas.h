/* idcard_areas — the prefecture-level codes of GB/T 2260 in force
 * (generated: scripts/gen-idcard-areas.py), for idcard.c's check of an
 * ID number's address part. */
#ifndef GUANAI_IDCARD_AREAS_H
#define GUANAI_IDCARD_AREAS_H

/* Ascending 4-digit codes ("2201" is 2201). */
extern const unsigned short idcard__prefectures[];
extern const int idcard__nprefectures;

#endif
