/* SPDX-License-Identifier: Apache-2.0 */
/* The brig-init binary (brig-init.c), embedded into brig. */
	.section .rodata
	.global brig_init_start
	.global brig_init_end
	.balign 16
brig_init_start:
	.incbin BRIG_INIT_PATH
brig_init_end:
	.section .note.GNU-stack,"",@progbits
