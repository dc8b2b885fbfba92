/*
 * banned.h - functions we never call (after Git's banned.h).
 *
 * Include it last in every .c file, after the system headers, so that a
 * use of one of these names fails to compile.  Use snprintf, strlcpy-like
 * helpers from util.h, strtok_r, gmtime_r and localtime_r instead.
 */
#ifndef TJ_BANNED_H
#define TJ_BANNED_H

#define TJ_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) TJ_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TJ_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TJ_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TJ_BANNED(strncat)
#undef sprintf
#define sprintf(...) TJ_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TJ_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TJ_BANNED(strtok)
#undef gmtime
#define gmtime(t) TJ_BANNED(gmtime)
#undef localtime
#define localtime(t) TJ_BANNED(localtime)

#endif
