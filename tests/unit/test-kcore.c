/* /proc/kcore's VMCOREINFO (kexec/kcore.c): the layouts fs/proc/kcore.c
 * writes (ELF64 and ELF32), reading them a piece at a time as sysinfo does,
 * and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "kcore.h"
#include "le.h"

static const char vmci[] = "OSRELEASE=6.12.118\nBUILD-ID=0123456789abcdef\nPAGESIZE=4096\n"
			   "SYMBOL(init_uts_ns)=ffffffff82a14a40\nKERNELOFFSET=1000000\n";

struct kc {
	uint8_t b[64 * 1024];
	size_t len;
	size_t notes_off, notes_len;
	size_t phoff;
};

static size_t put_note(uint8_t *p, const char *name, uint32_t type, const void *desc, size_t dl)
{
	size_t nl = strlen(name) + 1, at = 12;

	put_le32(p, (uint32_t)nl);
	put_le32(p + 4, (uint32_t)dl);
	put_le32(p + 8, type);
	memcpy(p + at, name, nl);
	at += (nl + 3) & ~3u;
	if (dl)
		memcpy(p + at, desc, dl);
	return at + ((dl + 3) & ~3u);
}

static void put_phdr(struct kc *k, bool is64, unsigned i, uint32_t type, uint64_t off,
		     uint64_t vaddr, uint64_t paddr, uint64_t filesz)
{
	uint8_t *ph = k->b + k->phoff + i * (is64 ? 56 : 32);

	put_le32(ph, type);
	if (is64) {
		put_le32(ph + 4, 7);
		put_le64(ph + 8, off);
		put_le64(ph + 16, vaddr);
		put_le64(ph + 24, paddr);
		put_le64(ph + 32, filesz);
		put_le64(ph + 40, type == PT_NOTE ? 0 : filesz);
	} else {
		put_le32(ph + 4, (uint32_t)off);
		put_le32(ph + 8, (uint32_t)vaddr);
		put_le32(ph + 12, (uint32_t)paddr);
		put_le32(ph + 16, (uint32_t)filesz);
		put_le32(ph + 20, type == PT_NOTE ? 0 : (uint32_t)filesz);
		put_le32(ph + 24, 7);
	}
}

/*
 * What read_kcore_iter() gives: the ELF header, a PT_NOTE and nloads
 * PT_LOADs, then the notes right after the program headers (CORE prstatus,
 * prpsinfo and task_struct, and VMCOREINFO unless with_vmcoreinfo is
 * false), the data from a page boundary on.
 */
static void make_kcore(struct kc *k, bool is64, unsigned nloads, bool with_vmcoreinfo)
{
	static uint8_t task[9000];
	uint8_t zero[400] = { 0 };
	unsigned nph = 1 + nloads;
	size_t at;

	memset(k, 0, sizeof(*k));
	memcpy(k->b, ELFMAG, SELFMAG);
	k->b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	k->b[EI_DATA] = ELFDATA2LSB;
	k->b[EI_VERSION] = EV_CURRENT;
	put_le16(k->b + 16, ET_CORE);
	put_le16(k->b + 18, is64 ? EM_X86_64 : EM_386);
	put_le32(k->b + 20, EV_CURRENT);
	k->phoff = is64 ? 64 : 52;
	if (is64) {
		put_le64(k->b + 32, k->phoff);
		put_le16(k->b + 52, 64);
		put_le16(k->b + 54, 56);
		put_le16(k->b + 56, (uint16_t)nph);
	} else {
		put_le32(k->b + 28, (uint32_t)k->phoff);
		put_le16(k->b + 40, 52);
		put_le16(k->b + 42, 32);
		put_le16(k->b + 44, (uint16_t)nph);
	}
	k->notes_off = k->phoff + nph * (is64 ? 56 : 32);
	memset(task, 0x5a, sizeof(task));
	at = k->notes_off;
	at += put_note(k->b + at, "CORE", NT_PRSTATUS, zero, is64 ? 336 : 144);
	at += put_note(k->b + at, "CORE", NT_PRPSINFO, zero, is64 ? 136 : 124);
	at += put_note(k->b + at, "CORE", 4 /* NT_TASKSTRUCT */, task, is64 ? 9000 : 5000);
	if (with_vmcoreinfo)
		at += put_note(k->b + at, "VMCOREINFO", 0, vmci, strlen(vmci));
	k->notes_len = at - k->notes_off;
	put_phdr(k, is64, 0, PT_NOTE, k->notes_off, 0, 0, k->notes_len);
	for (unsigned i = 0; i < nloads; i++)
		put_phdr(k, is64, 1 + i, PT_LOAD, 0x10000 + i * 0x100000,
			 (is64 ? 0xffff888000000000ull : 0xc0000000ull) + i * 0x100000, i * 0x100000,
			 0x100000);
	k->len = (at + 4095) & ~(size_t)4095;
}

static int parse(const struct kc *k, size_t len, const uint8_t **text, size_t *tl, size_t *need,
		 struct kj_error *err)
{
	return kcore_vmcoreinfo(k->b, len, "/proc/kcore", text, tl, need, err);
}

static void layouts(void **state)
{
	static struct kc k;
	struct kj_error err = { 0, "" };
	const uint8_t *text;
	size_t tl, need;

	for (int is64 = 0; is64 <= 1; is64++) {
		make_kcore(&k, is64, 5, true);
		assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), 0);
		assert_int_equal(tl, strlen(vmci));
		assert_memory_equal(text, vmci, tl);
		assert_true(text > k.b + k.notes_off && text + tl <= k.b + k.notes_off + k.notes_len);
		/* exactly up to the notes' end is enough */
		assert_int_equal(parse(&k, k.notes_off + k.notes_len, &text, &tl, &need, &err), 0);
	}
}

/* sysinfo's loop: read what the parser asks for until it answers */
static void piecewise(void **state)
{
	static struct kc k;
	struct kj_error err = { 0, "" };
	const uint8_t *text;
	size_t tl, need, len = 0;
	size_t asked[8];
	unsigned steps = 0;
	int rc;

	make_kcore(&k, true, 3, true);
	while ((rc = parse(&k, len, &text, &tl, &need, &err)) == 1) {
		assert_true(need > len);
		assert_true(steps < 8);
		asked[steps++] = need;
		len = need;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(steps, 4);
	assert_int_equal(asked[0], EI_NIDENT);
	assert_int_equal(asked[1], sizeof(Elf64_Ehdr));
	assert_int_equal(asked[2], k.notes_off); /* the program headers' end */
	assert_int_equal(asked[3], k.notes_off + k.notes_len);
	assert_memory_equal(text, vmci, tl);
}

static void refused(void **state)
{
	static struct kc k;
	struct kj_error err = { 0, "" };
	const uint8_t *text;
	size_t tl, need;

	/* a kernel before 4.19: the CORE notes only */
	make_kcore(&k, true, 2, false);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_string_equal(err.msg, "/proc/kcore: no VMCOREINFO note (the kernel adds one since Linux 4.19)");
	assert_null(text);
	assert_int_equal(tl, 0);

	make_kcore(&k, true, 2, true);
	k.b[1] = 'X';
	assert_int_equal(parse(&k, 3, &text, &tl, &need, &err), 1); /* too short to tell */
	assert_int_equal(parse(&k, 4, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: not an ELF file");

	make_kcore(&k, true, 2, true);
	put_le16(k.b + 16, ET_EXEC);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: not an ELF core file (type 2)");

	make_kcore(&k, true, 2, true);
	put_le16(k.b + 56, 0);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: no program headers");

	/* program headers or notes past the first 4 MiB: never read */
	make_kcore(&k, true, 2, true);
	put_le64(k.b + 32, 0xfffffffffffff000ull);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: program headers beyond its first 4 MiB");
	make_kcore(&k, true, 2, true);
	put_le64(k.b + k.phoff + 32, KCORE_HEAD_MAX); /* PT_NOTE's p_filesz */
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: notes beyond its first 4 MiB");
	make_kcore(&k, true, 2, true);
	put_le64(k.b + k.phoff + 8, ~0ull); /* p_offset: offset + size wraps */
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: notes beyond its first 4 MiB");
	/* within 4 MiB but past the bytes given: asked for */
	make_kcore(&k, true, 2, true);
	put_le64(k.b + k.phoff + 32, 3u << 20);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), 1);
	assert_int_equal(need, k.notes_off + (3u << 20));

	make_kcore(&k, false, 2, true);
	put_le32(k.b + k.phoff, PT_LOAD);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: no PT_NOTE");

	/* a note whose size runs past the segment hides the rest */
	make_kcore(&k, true, 2, true);
	put_le32(k.b + k.notes_off + 4, 0x7fffffff);
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: no VMCOREINFO note (the kernel adds one since Linux 4.19)");

	/* an empty VMCOREINFO is no VMCOREINFO */
	make_kcore(&k, false, 1, false);
	{
		size_t at = k.notes_off + k.notes_len;
		size_t n = put_note(k.b + at, "VMCOREINFO", 0, NULL, 0);

		put_le32(k.b + k.phoff + 16, (uint32_t)(k.notes_len + n));
	}
	assert_int_equal(parse(&k, k.len, &text, &tl, &need, &err), -1);
	assert_string_equal(err.msg, "/proc/kcore: empty VMCOREINFO note");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layouts),
		cmocka_unit_test(piecewise),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests_name("kcore", tests, NULL, NULL);
}
