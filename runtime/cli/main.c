// SPDX-License-Identifier: Apache-2.0
/* brig: the command line is runtime/cli's (verbs.c). */
#include "runtime/cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
