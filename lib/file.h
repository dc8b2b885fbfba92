/*
 * file.h - reading a whole file.
 */
#ifndef TJ_FILE_H
#define TJ_FILE_H

#include <stddef.h>

/*
 * Reads the file at path into a new NUL-terminated buffer (free() it) and
 * sets *len (when len is not NULL) to its size.  A file larger than max
 * bytes is refused rather than cut.  Returns NULL with the reason in err
 * ("cannot open 'x': ...", "'x' is too large (over N bytes)") and errno
 * set (fopen's errno, EFBIG when too large, EIO or fread's on a read error)
 * on error; err may be NULL.
 */
char *file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif
