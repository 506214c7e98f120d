// SPDX-License-Identifier: Apache-2.0
/* process.json, as `brig exec --process FILE` reads it. */
#include "fuzz.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	struct brig_error err = {0};
	spec_process_free(spec_process_parse(text, "process.json", &err));
	return 0;
}
