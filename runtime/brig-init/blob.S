/* SPDX-License-Identifier: Apache-2.0 */
/* The brig-init binary (brig-init.c), embedded into brig. */
	.section .rodata
	.global brig_stub_start
	.global brig_stub_end
	.balign 16
brig_stub_start:
	.incbin BRIG_STUB_PATH
brig_stub_end:
	.section .note.GNU-stack,"",@progbits
