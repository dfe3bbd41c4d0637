/* log — lines to standard error with a UTC timestamp.  The sink is the one
 * mutable global the house style allows, and it is only stderr. */
#ifndef GUANAI_LOG_H
#define GUANAI_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
