/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the bzImage parser (bzimage_probe, bzimage_parse) and,
 * for what it accepts, the x86 loader's plan for it (x86_build_plan:
 * placement, boot_params from the image's setup header, the purgatory)
 * on a fixed 512 MiB QEMU memory map.  The input is the kernel file; its
 * length's parity picks the running kernel (odd: i386).
 */
#include "fuzz-machine.h"

#include "bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t initrd[4096] = { 0x1f, 0x8b };
	struct kj_error err = { 0, "" };
	struct bzimage bz;
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_file k;
	struct kj_load_input in = { 0 };
	struct kj_plan plan;
	int rc;
	unsigned sum = 0;

	if (bzimage_probe(d, n))
		FUZZ_CHECK(n >= BZ_HEADER + 4);
	if (bzimage_parse(d, n, "fuzz.bzImage", &bz, &err) < 0) {
		FUZZ_CHECK(err.msg[0] && err.exit_code);
		return 0;
	}
	/* what it promises lies inside the file */
	FUZZ_CHECK(bz.setup == d && bz.setup_size < n);
	FUZZ_CHECK(bz.pm == d + bz.setup_size && bz.pm_size == n - bz.setup_size);
	FUZZ_CHECK(bz.header_end <= BZ_HEADER_END_MAX);
	FUZZ_CHECK((uint64_t)bz.payload_offset + bz.payload_length <= bz.pm_size);
	for (size_t i = 0; i < bz.header_end; i++)
		sum += bz.setup[i];
	if (bz.payload_length)
		sum += bz.pm[bz.payload_offset] + bz.pm[bz.payload_offset + bz.payload_length - 1];
	(void)sum;

	/* the loader on it */
	memset(&o, 0, sizeof(o));
	o.kernel = "fuzz.bzImage";
	o.command_line = "console=ttyS0 root=/dev/vda";
	o.initrds[0] = "fuzz.initrd";
	o.nr_initrds = 1;
	o.no_checks = true; /* no SHA-256 of every segment: speed */
	fz_qemu_input(d, n, "fuzz.bzImage", &o, &sys, &k, &in);
	in.initrd = initrd;
	in.initrd_size = sizeof(initrd);
	fz_alloc_begin();
	rc = x86_build_plan(&in, &plan, &err);
	FUZZ_CHECK(fz_alloc_end() <= FZ_LOADER_BOUND(n));
	if (rc == 0) {
		FUZZ_CHECK(plan.nseg >= 3 && plan.nseg <= KJ_SEGMENT_MAX);
		FUZZ_CHECK(plan_check(&plan, &err) == 0);
	}
	plan_free(&plan);
	memmap_free(&sys.mm);
	return 0;
}
