/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU purgatory test, host side: open the embedded purgatory with the
 * tool's own code, relocate it for T_PURG_ADDR, describe one data region and
 * the next image, and write purg.bin (memsz bytes) and data.bin.
 *
 * usage: mkpayload x86_64|i386 64|32 variant outdir
 * variant: 0 normal, 1 corrupt one data byte, 2 no stack for the next image
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "purgatory.h"
#include "test.h"

static int write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct purgatory p;
	struct kj_error err = { 0 };
	struct purgatory_input in = { 0 };
	unsigned char *data, *img;
	size_t i;
	int is64, mode64, corrupt;

	if (argc != 5) {
		fprintf(stderr, "usage: mkpayload x86_64|i386 64|32 0|1 outdir\n");
		return 2;
	}
	is64 = !strcmp(argv[1], "x86_64");
	mode64 = !strcmp(argv[2], "64");
	corrupt = atoi(argv[3]);

	if (purgatory_open(is64 ? KJ_ARCH_X86_64 : KJ_ARCH_I386, &p, &err) < 0 ||
	    purgatory_relocate(&p, T_PURG_ADDR, &err) < 0) {
		fprintf(stderr, "mkpayload: %s\n", err.msg);
		return 1;
	}
	data = malloc(T_DATA_SIZE);
	for (i = 0; i < T_DATA_SIZE; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	in.buf = data;
	in.bufsz = T_DATA_SIZE;
	in.mem = T_DATA_ADDR;
	if (purgatory_set_regions(&p, &in, 1, 1, &err) < 0) {
		fprintf(stderr, "mkpayload: %s\n", err.msg);
		return 1;
	}
	if (corrupt == 1)
		data[T_DATA_SIZE - 3] ^= 0x10;

	p.hdr->serial_port = 0x3f8;
	p.hdr->flags = PURGATORY_FLAG_VERBOSE;
	if (mode64) {
		struct purgatory_regs64 *r = &p.hdr->regs64;
		uint64_t hi = (uint64_t)T_HI << 32;

		p.hdr->entry_mode = PURGATORY_ENTRY_64;
		r->rax = hi | T_EAX; r->rbx = hi | T_EBX; r->rcx = hi | T_ECX;
		r->rdx = hi | T_EDX; r->rsi = hi | T_ESI; r->rdi = hi | T_EDI;
		r->rbp = hi | T_EBP; r->rsp = T_STACK_NEXT;
		r->r8 = 0x0808080808080808ull; r->r9 = 0x0909090909090909ull;
		r->r10 = 0x0a0a0a0a0a0a0a0aull; r->r11 = 0x0b0b0b0b0b0b0b0bull;
		r->r12 = 0x0c0c0c0c0c0c0c0cull; r->r13 = 0x0d0d0d0d0d0d0d0dull;
		r->r14 = 0x0e0e0e0e0e0e0e0eull; r->r15 = 0x0f0f0f0f0f0f0f0full;
		r->rip = T_NEXT64;
		if (corrupt == 2)
			r->rsp = 0;
	} else {
		struct purgatory_regs32 *r = &p.hdr->regs32;

		p.hdr->entry_mode = PURGATORY_ENTRY_32;
		r->eax = T_EAX; r->ebx = T_EBX; r->ecx = T_ECX; r->edx = T_EDX;
		r->esi = T_ESI; r->edi = T_EDI; r->ebp = T_EBP; r->esp = T_STACK_NEXT;
		r->eip = T_NEXT32;
		if (corrupt == 2)
			r->esp = 0;
	}

	/* the image as memory holds it: file part, then zeroed bss */
	img = calloc(1, p.memsz);
	memcpy(img, p.buf, p.bufsz);
	printf("entry=0x%llx bufsz=0x%zx memsz=0x%zx\n",
	       (unsigned long long)(T_PURG_ADDR + p.entry_offset), p.bufsz, p.memsz);
	if (write_file(argv[4], "purg.bin", img, p.memsz) < 0 ||
	    write_file(argv[4], "data.bin", data, T_DATA_SIZE) < 0)
		return 1;
	{
		char s[64];
		int n = snprintf(s, sizeof(s), "0x%llx\n",
				 (unsigned long long)(T_PURG_ADDR + p.entry_offset));

		if (write_file(argv[4], "entry.txt", s, (size_t)n) < 0)
			return 1;
	}
	purgatory_close(&p);
	free(img);
	free(data);
	return 0;
}
