/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offsets into struct purgatory_header for the entry assembly.
 * purgatory.c checks every one of them against offsetof() at compile time.
 */
#ifndef KJ_PURGATORY_ENTRY_OFFSETS_H
#define KJ_PURGATORY_ENTRY_OFFSETS_H

#define HDR_ENTRY_MODE 16
#define HDR_FLAGS      20
#define HDR_REGS64     320
#define HDR_REGS32     456

#define R64_RAX (HDR_REGS64 + 0)
#define R64_RBX (HDR_REGS64 + 8)
#define R64_RCX (HDR_REGS64 + 16)
#define R64_RDX (HDR_REGS64 + 24)
#define R64_RSI (HDR_REGS64 + 32)
#define R64_RDI (HDR_REGS64 + 40)
#define R64_RSP (HDR_REGS64 + 48)
#define R64_RBP (HDR_REGS64 + 56)
#define R64_R8  (HDR_REGS64 + 64)
#define R64_R9  (HDR_REGS64 + 72)
#define R64_R10 (HDR_REGS64 + 80)
#define R64_R11 (HDR_REGS64 + 88)
#define R64_R12 (HDR_REGS64 + 96)
#define R64_R13 (HDR_REGS64 + 104)
#define R64_R14 (HDR_REGS64 + 112)
#define R64_R15 (HDR_REGS64 + 120)
#define R64_RIP (HDR_REGS64 + 128)

#define R32_EAX (HDR_REGS32 + 0)
#define R32_EBX (HDR_REGS32 + 4)
#define R32_ECX (HDR_REGS32 + 8)
#define R32_EDX (HDR_REGS32 + 12)
#define R32_ESI (HDR_REGS32 + 16)
#define R32_EDI (HDR_REGS32 + 20)
#define R32_ESP (HDR_REGS32 + 24)
#define R32_EBP (HDR_REGS32 + 28)
#define R32_EIP (HDR_REGS32 + 32)

/* PURGATORY_FLAG_KEEP_STACK (purgatory-abi.h) */
#define FLAG_KEEP_STACK 0x4
#define FLAG_KEEP_SEGMENTS 0x8
/* either: keep the kernel\'s segments and descriptor tables */
#define FLAG_KEEP_KERNEL_SEGS (FLAG_KEEP_STACK | FLAG_KEEP_SEGMENTS)

/* entry modes (purgatory-abi.h) */
#define ENTRY_64 1
#define ENTRY_32 2

/* segment selectors: the Linux boot protocol's __BOOT_CS / __BOOT_DS */
#define SEL_CODE32_TMP 0x08 /* 32-bit code used while leaving long mode */
#define SEL_BOOT_CS    0x10
#define SEL_BOOT_DS    0x18

#define STACK_SIZE 16384

#endif
