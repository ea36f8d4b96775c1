/* cmd-diff.c: `launchready diff BEFORE.json AFTER.json`. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

int
cmd_diff(struct cmdline *cl)
{
	struct baseline		*before, *after;
	struct comparison	 cmp;
	struct buf		 out = { 0 };
	char			*err = NULL;
	int			 status;

	if ((before = baseline_load(cl->arg, &err)) == NULL ||
	    (after = baseline_load(cl->arg2, &err)) == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		baseline_free(before);
		return EXIT_USAGE;
	}
	baseline_compare(before, after, &cmp);
	if (cl->format == FORMAT_JSON) {
		buf_puts(&out, "{\"tool\": \"launchready\", \"before\": ");
		buf_json(&out, cl->arg);
		buf_puts(&out, ", \"after\": ");
		buf_json(&out, cl->arg2);
		buf_puts(&out, ",\n \"baseline\": ");
		comparison_json(&cmp, &out);
		buf_puts(&out, "}\n");
	} else {
		if (strcmp(before->domain, after->domain) != 0)
			buf_printf(&out, _("note: %s is an audit of %s, %s of "
			    "%s\n"), cl->arg, before->domain, cl->arg2,
			    after->domain);
		comparison_text(&cmp, &out);
	}
	status = comparison_fails(&cmp, cl->fail_on) ? EXIT_FINDINGS : EXIT_OK;
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, _("launchready: cannot write the results\n"));
		status = EXIT_FAILURE_;
	}
	buf_free(&out);
	comparison_clear(&cmp);
	baseline_free(before);
	baseline_free(after);
	return status;
}
