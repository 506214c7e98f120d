// SPDX-License-Identifier: Apache-2.0
/* brig-doc: the build's man page and completion writer (doc.c).
 *   brig-doc MAN_DIR COMPLETION_DIR   writes brig.8, brig-VERB.8, brig, _brig
 *   brig-doc --options                prints "VERB<TAB>--option" for every option the
 *                                     parser accepts (tests/cli_docs.sh reads it) */
#include "runtime/cli/cli.h"

#ifndef BRIG_VERSION
#define BRIG_VERSION "0.0.0"
#endif

static void list_verb(const struct cli_verb *v)
{
	for (size_t i = 0; i < v->n_opts; i++) {
		printf("%s\t--%s\n", v->name, v->opts[i].name);
		if (v->opts[i].short_name)
			printf("%s\t-%c\n", v->name, v->opts[i].short_name);
		if (v->opts[i].alias)
			printf("%s\t--%s\n", v->name, v->opts[i].alias);
	}
	for (size_t i = 0; v->subs && v->subs[i]; i++)
		list_verb(v->subs[i]);
	if (!v->subs)
		printf("%s\t--help\n", v->name);
}

int main(int argc, char **argv)
{
	struct brig_error err = {0};
	if (argc == 2 && !strcmp(argv[1], "--options")) {
		list_verb(&cli_global);
		for (size_t i = 0; cli_verbs[i]; i++)
			list_verb(cli_verbs[i]);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: brig-doc MAN_DIR COMPLETION_DIR | brig-doc --options\n");
		return 2;
	}
	if (cli_doc_write(argv[1], argv[2], BRIG_VERSION, &err) < 0) {
		fprintf(stderr, "brig-doc: %s\n", err.msg);
		return 1;
	}
	return 0;
}
