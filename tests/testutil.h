/*
 * testutil.h: helpers shared by the cmocka tests (included after
 * <cmocka.h> and "launchready.h").
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdio.h>

/* Reads a whole file (NULL when absent); *lenp gets its length. */
static inline char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f = fopen(path, "rb");
	char	*data;
	long	 len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = xmalloc(len + 1);
	assert_int_equal(fread(data, 1, len, f), (size_t)len);
	data[len] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = len;
	return data;
}

#endif
