/*
 * engines.c: why the scanner is built the way it is. Over the same files
 * (paths on stdin, read into memory first) it times:
 *   1. every rule's pattern over every whole file, PCRE2 interpreter;
 *   2. the same with the PCRE2 JIT;
 *   3. the scanner itself: keyword pre-filter (Aho-Corasick), then the
 *      JIT patterns only on the lines holding a keyword.
 * Usage: engines RULES.cfg < list-of-files
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <libconfig.h>

#include "secrets.h"

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
count_cb(void *arg, const struct secrets_finding *f)
{
	(void)f;
	(*(size_t *)arg)++;
}

int
main(int argc, char **argv)
{
	config_t		 cfg;
	config_setting_t	*list;
	pcre2_code		**re;
	pcre2_match_data	*md;
	struct secrets_rules	*rules;
	struct secrets_scanner	*sc;
	char			 path[4096], *err = NULL;
	char			**data = NULL;
	size_t			*len = NULL, nfiles = 0, total = 0, i, j, hits;
	int			 n, k, code, jit;
	PCRE2_SIZE		 off, eoff;
	double			 t0, t[3];

	if (argc != 2)
		return 2;
	while (fgets(path, sizeof path, stdin) != NULL) {
		FILE *f;
		long  sz;

		path[strcspn(path, "\n")] = '\0';
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		rewind(f);
		data = xreallocarray(data, nfiles + 1, sizeof *data);
		len = xreallocarray(len, nfiles + 1, sizeof *len);
		data[nfiles] = xmalloc((size_t)sz + 1);
		len[nfiles] = fread(data[nfiles], 1, (size_t)sz, f);
		total += len[nfiles++];
		fclose(f);
	}
	config_init(&cfg);
	if (!config_read_file(&cfg, argv[1]))
		return 1;
	list = config_lookup(&cfg, "rules");
	n = config_setting_length(list);
	re = xcalloc((size_t)n, sizeof *re);
	md = pcre2_match_data_create(16, NULL);
	for (jit = 0; jit <= 1; jit++) {
		for (k = 0; k < n; k++) {
			const char *p;

			config_setting_lookup_string(config_setting_get_elem(
			    list, (unsigned)k), "pattern", &p);
			pcre2_code_free(re[k]);
			re[k] = pcre2_compile((PCRE2_SPTR)p,
			    PCRE2_ZERO_TERMINATED, 0, &code, &eoff, NULL);
			if (jit)
				pcre2_jit_compile(re[k], PCRE2_JIT_COMPLETE);
		}
		hits = 0;
		t0 = seconds();
		for (i = 0; i < nfiles; i++) {
			for (k = 0; k < n; k++) {
				off = 0;
				while (off < len[i] && pcre2_match(re[k],
				    (PCRE2_SPTR)data[i], len[i], off, 0, md,
				    NULL) >= 0) {
					PCRE2_SIZE *ov =
					    pcre2_get_ovector_pointer(md);

					hits++;
					off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
				}
			}
		}
		t[jit] = seconds() - t0;
		printf("%-34s %8.3f s %8.1f MB/s (%zu raw matches)\n", jit ?
		    "all patterns, whole files, JIT" :
		    "all patterns, whole files, no JIT", t[jit],
		    (double)total / 1048576.0 / t[jit], hits);
	}
	rules = secrets_rules_load(argv[1], &err);
	if (rules == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	sc = secrets_scanner_new(rules);
	hits = 0;
	t0 = seconds();
	for (i = 0; i < nfiles; i++)
		secrets_scan(sc, NULL, data[i], len[i], count_cb, &hits);
	t[2] = seconds() - t0;
	printf("%-34s %8.3f s %8.1f MB/s (%zu findings)\n",
	    "keyword pre-filter + JIT (ours)", t[2],
	    (double)total / 1048576.0 / t[2], hits);
	printf("%zu files, %.1f MB, %d rules, JIT %s\n", nfiles,
	    (double)total / 1048576.0, n, secrets_rules_jit(rules) ? "on" :
	    "off");
	for (j = 0; j < nfiles; j++)
		free(data[j]);
	return 0;
}
