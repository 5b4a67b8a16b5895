/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The C half of the purgatory: check the SHA-256 over the regions the tool
 * recorded in the header, complain on the serial port and stop if it does
 * not match.
 *
 * Built freestanding (-m64 and -m32) and linked with entry-<arch>.S.  With
 * -DPURGATORY_HOSTED the same code compiles into a normal program so the
 * unit tests can exercise purgatory_verify()/purgatory_check() on host
 * memory; port I/O then goes to purgatory_hosted_outb()/inb(), which the
 * test provides.
 */
#include <stddef.h>
#include <stdint.h>

#include "purgatory-abi.h"
#include "sha256.h"
#include "purgatory-ext.h"
#include "entry-offsets.h"
#include "copy.h"

#define CHECK_OFF(member, off) \
	_Static_assert(offsetof(struct purgatory_header, member) == (off), #member)
CHECK_OFF(entry_mode, HDR_ENTRY_MODE);
CHECK_OFF(flags, HDR_FLAGS);
_Static_assert(FLAG_KEEP_STACK == PURGATORY_FLAG_KEEP_STACK, "FLAG_KEEP_STACK");
_Static_assert(FLAG_KEEP_SEGMENTS == PURGATORY_FLAG_KEEP_SEGMENTS, "FLAG_KEEP_SEGMENTS");
CHECK_OFF(regs64, HDR_REGS64);
CHECK_OFF(regs32, HDR_REGS32);
CHECK_OFF(regs64.rax, R64_RAX);
CHECK_OFF(regs64.rbx, R64_RBX);
CHECK_OFF(regs64.rcx, R64_RCX);
CHECK_OFF(regs64.rdx, R64_RDX);
CHECK_OFF(regs64.rsi, R64_RSI);
CHECK_OFF(regs64.rdi, R64_RDI);
CHECK_OFF(regs64.rsp, R64_RSP);
CHECK_OFF(regs64.rbp, R64_RBP);
CHECK_OFF(regs64.r8, R64_R8);
CHECK_OFF(regs64.r9, R64_R9);
CHECK_OFF(regs64.r10, R64_R10);
CHECK_OFF(regs64.r11, R64_R11);
CHECK_OFF(regs64.r12, R64_R12);
CHECK_OFF(regs64.r13, R64_R13);
CHECK_OFF(regs64.r14, R64_R14);
CHECK_OFF(regs64.r15, R64_R15);
CHECK_OFF(regs64.rip, R64_RIP);
CHECK_OFF(regs32.eax, R32_EAX);
CHECK_OFF(regs32.ebx, R32_EBX);
CHECK_OFF(regs32.ecx, R32_ECX);
CHECK_OFF(regs32.edx, R32_EDX);
CHECK_OFF(regs32.esi, R32_ESI);
CHECK_OFF(regs32.edi, R32_EDI);
CHECK_OFF(regs32.esp, R32_ESP);
CHECK_OFF(regs32.ebp, R32_EBP);
CHECK_OFF(regs32.eip, R32_EIP);
_Static_assert(ENTRY_64 == PURGATORY_ENTRY_64 && ENTRY_32 == PURGATORY_ENTRY_32, "entry modes");

/* ------------------------------------------------------------ port I/O */
#ifdef PURGATORY_HOSTED
#define outb(port, val) purgatory_hosted_outb((port), (val))
#define inb(port)       purgatory_hosted_inb((port))
#else
static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
#endif

/* ------------------------------------------------------------- 16550 UART */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static void serial_init(uint16_t port)
{
	outb(port + UART_IER, 0x00);  /* no interrupts */
	outb(port + UART_LCR, 0x80);  /* DLAB on */
	outb(port + UART_DLL, 0x01);  /* 115200 baud (1.8432 MHz / 16 / 1) */
	outb(port + UART_DLM, 0x00);
	outb(port + UART_LCR, 0x03);  /* 8N1, DLAB off */
	outb(port + UART_FCR, 0x07);  /* FIFO on, cleared */
	outb(port + UART_MCR, 0x03);  /* DTR, RTS */
}

static void serial_putc(uint16_t port, char c)
{
	unsigned int spin;

	/* bounded wait: a missing UART reads 0xff, a stuck one must not hang us */
	for (spin = 0; spin < 1000000; spin++)
		if (inb(port + UART_LSR) & UART_LSR_THRE)
			break;
	outb(port + UART_THR, (uint8_t)c);
}

struct out {
	uint16_t port;
};

static void out_str(const struct out *o, const char *s)
{
	if (!o->port)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc(o->port, '\r');
		serial_putc(o->port, *s);
	}
}

static void out_hex(const struct out *o, uint64_t v)
{
	char buf[19];
	int i = 0, shift, started = 0;

	buf[i++] = '0';
	buf[i++] = 'x';
	for (shift = 60; shift >= 0; shift -= 4) {
		unsigned int nib = (unsigned int)(v >> shift) & 0xf;

		if (nib || started || shift == 0) {
			buf[i++] = (char)(nib < 10 ? '0' + nib : 'a' + nib - 10);
			started = 1;
		}
	}
	buf[i] = 0;
	out_str(o, buf);
}

static void out_dec(const struct out *o, uint32_t v)
{
	/* v < 100 here (a region index); avoid division helpers anyway */
	char buf[4];
	int i = 0;
	uint32_t tens = 0;

	while (v >= 10) {
		v -= 10;
		tens++;
	}
	if (tens)
		buf[i++] = (char)('0' + (tens < 10 ? tens : 9));
	buf[i++] = (char)('0' + v);
	buf[i] = 0;
	out_str(o, buf);
}

/* ----------------------------------------------------------- the check */
static int digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

static int ext_valid(const struct purgatory_header_ext *ext)
{
	return ext && ext->magic == PURGATORY_EXT_MAGIC &&
	       ext->size == sizeof(struct purgatory_header_ext);
}

int purgatory_verify(const struct purgatory_header *hdr,
		     const struct purgatory_header_ext *ext, uint32_t *bad)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	uint8_t region[PURGATORY_MAX_REGIONS][SHA256_DIGEST_SIZE];
	uint32_t i;

	*bad = 0;
	if (hdr->nr_regions > PURGATORY_MAX_REGIONS) {
		*bad = hdr->nr_regions;
		return PURGATORY_VERIFY_BAD_HEADER;
	}
	for (i = 0; i < hdr->nr_regions; i++) {
		uint64_t start = hdr->regions[i].start, size = hdr->regions[i].size;

		if (start + size < start ||
		    (sizeof(void *) == 4 && start + size > 0x100000000ull)) {
			*bad = i;
			return PURGATORY_VERIFY_BAD_REGION;
		}
	}

	/* one digest per region, then the digest of those */
	sha256_init(&ctx);
	for (i = 0; i < hdr->nr_regions; i++) {
		sha256((const void *)(uintptr_t)hdr->regions[i].start, (size_t)hdr->regions[i].size,
		       region[i]);
		sha256_update(&ctx, region[i], SHA256_DIGEST_SIZE);
	}
	sha256_final(&ctx, digest);
	if (digest_equal(digest, hdr->sha256))
		return PURGATORY_VERIFY_OK;

	/* name the first bad region, from the tool's per-region digests */
	*bad = hdr->nr_regions;
	if (ext_valid(ext)) {
		for (i = 0; i < hdr->nr_regions; i++) {
			if (!digest_equal(region[i], ext->region_sha256[i])) {
				*bad = i;
				break;
			}
		}
	}
	return PURGATORY_VERIFY_MISMATCH;
}

int purgatory_check(const struct purgatory_header *hdr,
		    const struct purgatory_header_ext *ext)
{
	struct out o = { (uint16_t)hdr->serial_port };
	uint32_t bad;
	int r;

	if (o.port)
		serial_init(o.port);
	r = purgatory_verify(hdr, ext, &bad);
	switch (r) {
	case PURGATORY_VERIFY_OK:
		if (hdr->flags & PURGATORY_FLAG_VERBOSE)
			out_str(&o, "purgatory: digest ok\n");
		return 0;
	case PURGATORY_VERIFY_MISMATCH:
		out_str(&o, "purgatory: sha256 mismatch");
		if (bad < hdr->nr_regions) {
			out_str(&o, " in region ");
			out_dec(&o, bad);
			out_str(&o, " (");
			out_hex(&o, hdr->regions[bad].start);
			out_str(&o, "-");
			out_hex(&o, hdr->regions[bad].start + hdr->regions[bad].size);
			out_str(&o, ")");
		}
		out_str(&o, "\n");
		return -1;
	case PURGATORY_VERIFY_BAD_HEADER:
		out_str(&o, "purgatory: bad header: ");
		out_hex(&o, bad);
		out_str(&o, " regions\n");
		return -1;
	default:
		out_str(&o, "purgatory: region ");
		out_dec(&o, bad);
		out_str(&o, " is not addressable\n");
		return -1;
	}
}

#ifndef PURGATORY_HOSTED
/* ------------------------------------------------------ the real thing */

/* At offset 0 of the image (linker script); the tool fills it in. */
__attribute__((section(".kjheader"), used))
struct purgatory_kjheader kj_header = {
	.hdr = {
		.magic = PURGATORY_MAGIC,
		.abi_version = PURGATORY_ABI_VERSION,
		.header_size = sizeof(struct purgatory_header),
	},
	.ext = {
		.magic = PURGATORY_EXT_MAGIC,
		.size = sizeof(struct purgatory_header_ext),
	},
};

/*
 * An absolute pointer, so it carries a RELATIVE relocation: if the tool
 * relocated the image for the address it was loaded at, it equals the
 * run-time (PC-relative) address of kj_header.
 */
static struct purgatory_kjheader *volatile kj_header_reloc = &kj_header;

/* gcc may emit calls to these even with -ffreestanding -fno-builtin */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

/* top of our own stack (entry-<arch>.S) */
extern char purgatory_stack_top[] __attribute__((visibility("hidden")));
/* The stack pointer the kernel entered us with (entry-<arch>.S saves it). */
extern uintptr_t purgatory_entry_sp __attribute__((visibility("hidden")));

/*
 * Staging: switch to the tool's identity page tables (x86_64), then carry
 * out the copy list.  Nothing here may touch memory a copy writes: our
 * code, data and stack, the list and the page tables all lie outside every
 * destination (the tool proved it), and the kernel's page tables, GDT and
 * stack, which may lie inside one, are no longer used.
 */
static void stage_run(const struct purgatory_header *hdr, const struct out *o)
{
	const struct purgatory_copy *c = (const struct purgatory_copy *)(uintptr_t)hdr->stage_list;
	uint64_t copied = 0, zeroed = 0;

#ifdef __x86_64__
	if (hdr->page_table) {
		unsigned long cr4, cr3;

		__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
		cr3 = (cr4 & (1ul << 12)) ? hdr->page_table_la57 : hdr->page_table;
		__asm__ __volatile__("mov %0, %%cr3" : : "r"(cr3) : "memory");
	}
#endif
	purgatory_run_copies(c, hdr->stage_nr, 0, &copied, &zeroed);
	if (hdr->flags & PURGATORY_FLAG_VERBOSE) {
		out_str(o, "purgatory: staged ");
		out_hex(o, copied);
		out_str(o, " bytes copied, ");
		out_hex(o, zeroed);
		out_str(o, " zeroed\n");
	}
}

/*
 * SSE for SHA-NI, around the digest check only.  relocate_kernel enters us
 * with CR0.EM and CR0.TS clear but CR4.OSFXSR clear (x86_64: CR4 = PAE
 * [| LA57]; i386: CR4 = 0), so any SSE instruction would raise #UD, and we
 * have no IDT.  If CPUID offers SHA-NI: save CR0/CR4, make SSE usable
 * (CR0.EM, TS clear, MP set; CR4.OSFXSR, OSXMMEXCPT set), save the x87/SSE
 * registers (FXSAVE), hash, and put registers, CR4 and CR0 back as they
 * were: in a kexec jump the kernel we go back to finds its state unchanged.
 * Without SHA-NI nothing is touched and the portable code hashes.
 */
#define CR0_MP         (1ul << 1)
#define CR0_EM         (1ul << 2)
#define CR0_TS         (1ul << 3)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)

struct sse_saved {
	unsigned long cr0, cr4;
	int on;
};

static uint8_t fxsave_area[512] __attribute__((aligned(16)));

static void sse_begin(const struct purgatory_header *hdr, struct sse_saved *s)
{
	unsigned long cr0, cr4;

	s->on = 0;
	if (!(hdr->flags & PURGATORY_FLAG_SHA_NI))
		return;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	s->cr0 = cr0;
	s->cr4 = cr4;
	cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP;
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4) : "memory");
#ifdef __x86_64__
	__asm__ __volatile__("fxsave64 %0" : "=m"(fxsave_area) : : "memory");
#else
	__asm__ __volatile__("fxsave %0" : "=m"(fxsave_area) : : "memory");
#endif
	sha256_allow_shani(1);
	s->on = 1;
}

static void sse_end(const struct sse_saved *s)
{
	if (!s->on)
		return;
	sha256_allow_shani(0);
#ifdef __x86_64__
	__asm__ __volatile__("fxrstor64 %0" : : "m"(fxsave_area) : "memory");
#else
	__asm__ __volatile__("fxrstor %0" : : "m"(fxsave_area) : "memory");
#endif
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(s->cr4) : "memory");
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(s->cr0) : "memory");
}

/* Write v as `digits` lowercase hex digits at dst (most significant first). */
static void put_hex_digits(volatile char *dst, uint64_t v, unsigned digits)
{
	for (unsigned i = 0; i < digits; i++)
		dst[digits - 1 - i] = "0123456789abcdef"[(v >> (4 * i)) & 0xf];
}

uint32_t purgatory_main(void)
{
	struct purgatory_header *hdr = &kj_header.hdr;
	struct out o = { (uint16_t)hdr->serial_port };
	uint32_t mode = hdr->entry_mode;
	struct sse_saved sse;
	int bad;

	if (kj_header_reloc != &kj_header) {
		if (o.port)
			serial_init(o.port);
		out_str(&o, "purgatory: not relocated for its load address\n");
		return 0;
	}
	sse_begin(hdr, &sse);
	bad = purgatory_check(hdr, &kj_header.ext);
	sse_end(&sse);
	if (bad)
		return 0;
	if ((hdr->flags & PURGATORY_FLAG_PRESERVE_CONTEXT) && hdr->jump_back_patch) {
		/* checked by the digest above; patched only now */
		uintptr_t ret = *(volatile uintptr_t *)purgatory_entry_sp;
		put_hex_digits((volatile char *)(uintptr_t)hdr->jump_back_patch, ret,
			       PURGATORY_JUMP_BACK_DIGITS);
		if (hdr->flags & PURGATORY_FLAG_VERBOSE) {
			out_str(&o, "purgatory: jump back entry ");
			out_hex(&o, ret);
			out_str(&o, "\n");
		}
	}
	if (hdr->flags & PURGATORY_FLAG_STAGED)
		stage_run(hdr, &o);
	if (hdr->flags & PURGATORY_FLAG_KEEP_STACK) {
		hdr->regs32.esp = (uint32_t)purgatory_entry_sp;
#ifdef __x86_64__
		hdr->regs64.rsp = purgatory_entry_sp;
#endif
	}
	/*
	 * The next image gets a usable stack even if the tool set none: the
	 * top of ours, which is not needed any more (below 4 GiB, in RAM).
	 */
	if (!hdr->regs32.esp)
		hdr->regs32.esp = (uint32_t)(uintptr_t)purgatory_stack_top;
#ifdef __x86_64__
	if (!hdr->regs64.rsp)
		hdr->regs64.rsp = (uint64_t)(uintptr_t)purgatory_stack_top;
	if (mode == PURGATORY_ENTRY_64 || mode == PURGATORY_ENTRY_32)
		return mode;
#else
	if (mode == PURGATORY_ENTRY_32)
		return mode;
#endif
	out_str(&o, "purgatory: unsupported entry mode ");
	out_hex(&o, mode);
	out_str(&o, "\n");
	return 0;
}
#endif
