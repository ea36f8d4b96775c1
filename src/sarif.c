/* sarif.c: SARIF 2.1.0 output of secret findings (not in this build yet). */

#include "config.h"

#include "engine.h"

int
sarif_write(struct buf *b, struct check_run **runs, size_t nruns,
    const struct options *opt, char **err)
{
	return set_error(err, "%s", _("SARIF output is not in this build"));
}
