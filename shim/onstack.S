/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * long vfc_call_on_stack(long (*fn)(void *), void *arg, void *top): call
 * fn(arg) with the stack pointer at `top` (16-byte aligned), and return its
 * value on the caller's stack again. sidestack.c runs the shim's tracked
 * paths this way, so a caller on a small stack (a signal handler's 8 KiB
 * sigaltstack) lends only this frame. Balanced call/ret: a shadow stack
 * (CET) sees an ordinary call.
 */
#if defined(__x86_64__)
	.text
	.globl	vfc_call_on_stack
	.hidden	vfc_call_on_stack
	.type	vfc_call_on_stack, @function
	.p2align 4
vfc_call_on_stack:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	movq	%rdx, %rsp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movq	%rbp, %rsp
	.cfi_def_cfa_register %rsp
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	vfc_call_on_stack, .-vfc_call_on_stack
#endif
	.section .note.GNU-stack,"",@progbits
