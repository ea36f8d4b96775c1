/* fuzz-headers.c: the HSTS, Set-Cookie, Cache-Control and CSP parsers. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "web.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char			*s = xstrndup((const char *)data, size);
	struct hsts		 h;
	struct cookie		 c;
	struct cache_control	 cc;
	char			*v;

	headers_hsts(s, &h);
	if (headers_cookie(s, &c) == 0)
		headers_cookie_free(&c);
	headers_cache_control(s, &cc);
	v = headers_csp_directive(s, "script-src");
	free(v);
	v = headers_csp_directive(s, "frame-ancestors");
	free(v);
	free(s);
	return 0;
}
