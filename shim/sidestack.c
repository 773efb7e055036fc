// SPDX-License-Identifier: GPL-2.0-only
/*
 * Side stacks: the shim's tracked paths (a VFIO open, a tracked ioctl with
 * its decoding, report records and the GET_INFO fix-up's sysfs reads) need
 * some 20 KiB of stack, more than a signal handler's sigaltstack may have
 * (docs/hardening.md allows calls from handlers, on 8 KiB). They run on one
 * of a few static stacks instead, taken and given back with one atomic each
 * (no lock: a handler interrupting a holder simply takes another). When all
 * are taken (that many threads inside the shim at once) the path runs on the
 * caller's stack as before. Sanitizer builds call directly: their runtimes
 * track the thread's own stack.
 */
#include "core.h"

#include <stdalign.h>

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define VFC_NO_SIDE_STACK
#endif
#endif
#else
#define VFC_NO_SIDE_STACK
#endif

#ifndef VFC_NO_SIDE_STACK
#define SIDE_STACKS	4
#define SIDE_STACK_SIZE (32 * 1024)

long vfc_call_on_stack(long (*fn)(void *), void *arg, void *top);

static alignas(64) char stacks[SIDE_STACKS][SIDE_STACK_SIZE];
static _Atomic unsigned busy; /* bit i: stacks[i] taken */

long vfc_on_side_stack(long (*fn)(void *), void *arg)
{
	unsigned b = atomic_load_explicit(&busy, memory_order_relaxed);

	for (int i = 0; i < SIDE_STACKS; i++) {
		unsigned bit = 1u << i;
		if (b & bit)
			continue;
		b = atomic_fetch_or_explicit(&busy, bit, memory_order_acquire);
		if (b & bit)
			continue; /* taken meanwhile */
		long r = vfc_call_on_stack(fn, arg, stacks[i] + SIDE_STACK_SIZE);
		atomic_fetch_and_explicit(&busy, ~bit, memory_order_release);
		return r;
	}
	return fn(arg);
}
#else
long vfc_on_side_stack(long (*fn)(void *), void *arg)
{
	return fn(arg);
}
#endif
