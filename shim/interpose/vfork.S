/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfork, interposed so the shim knows when it runs in a vfork child: that
 * child shares our memory, and its close() or dup2() must not write the
 * parent's fd table. A C wrapper cannot do this (the child would return
 * through, and wreck, the frame the parent returns through later), so this
 * is the system call itself: the return address is held in a register the
 * kernel keeps per task, and the child sets a thread-local flag the parent
 * clears when it resumes (vfork suspends only the calling thread, whose TLS
 * the child borrows). The flag only spares a system call: fds.c's
 * not_owner() compares the caller's pid with the table owner's on every
 * architecture, which tells a vfork child too.
 */
#if defined(__x86_64__)
	.text
	.globl	vfork
	.type	vfork, @function
	.p2align 4
vfork:
	.cfi_startproc
	popq	%rdi
	.cfi_adjust_cfa_offset -8
	.cfi_register %rip, %rdi
	movl	$58, %eax		/* __NR_vfork */
	syscall
	pushq	%rdi
	.cfi_adjust_cfa_offset 8
	cmpq	$-4095, %rax
	jae	1f
	movq	vfc_vfork_child@gottpoff(%rip), %rcx
	testq	%rax, %rax
	setz	%dl
	movzbl	%dl, %edx
	movl	%edx, %fs:(%rcx)
	ret
1:
	movq	%rax, %rdi
	jmp	vfc_vfork_failed
	.cfi_endproc
	.size	vfork, .-vfork
#endif
	.section .note.GNU-stack,"",@progbits
