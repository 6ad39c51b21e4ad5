"""x86 CPU features and models: CPUID feature order and the feature set
of each named CPU model, as libvirt's CPU map describes them.

Features are listed in CPUID order (leaf, register, bit); models in the
map's order. Only features with CPUID bits are included.
"""

from __future__ import annotations


def _set(names: str) -> frozenset[str]:
    return frozenset(names.split())


FEATURES: tuple[str, ...] = (
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr",
    "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", "ds", "acpi", "mmx", "fxsr",
    "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe", "pni", "pclmuldq", "dtes64",
    "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "fma", "cx16",
    "xtpr", "pdcm", "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
    "tsc-deadline", "aes", "xsave", "osxsave", "avx", "f16c", "rdrand", "hypervisor",
    "arat", "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", "smep", "bmi2",
    "erms", "invpcid", "rtm", "cmt", "mpx", "avx512f", "avx512dq", "rdseed", "adx",
    "smap", "avx512ifma", "pcommit", "clflushopt", "clwb", "intel-pt", "avx512pf",
    "avx512er", "avx512cd", "sha-ni", "avx512bw", "avx512vl", "avx512vbmi", "umip",
    "pku", "ospke", "waitpkg", "avx512vbmi2", "gfni", "vaes", "vpclmulqdq",
    "avx512vnni", "avx512bitalg", "avx512-vpopcntdq", "la57", "rdpid",
    "bus-lock-detect", "cldemote", "movdiri", "movdir64b", "sgxlc", "pks",
    "avx512-4vnniw", "avx512-4fmaps", "fsrm", "avx512-vp2intersect", "md-clear",
    "serialize", "tsx-ldtrk", "pconfig", "arch-lbr", "amx-bf16", "avx512-fp16",
    "amx-tile", "amx-int8", "spec-ctrl", "stibp", "arch-capabilities",
    "core-capability", "ssbd", "avx-vnni", "avx512-bf16", "xsaveopt", "xsavec",
    "xgetbv1", "xsaves", "xfd", "mbm_total", "mbm_local", "sgx1", "sgx2", "sgx-exinfo",
    "sgx-debug", "sgx-mode64", "sgx-provisionkey", "sgx-tokenkey", "sgx-kss",
    "intel-pt-lip", "syscall", "nx", "mmxext", "fxsr_opt", "pdpe1gb", "rdtscp", "lm",
    "3dnowext", "3dnow", "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8legacy", "abm",
    "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt",
    "lwp", "fma4", "tce", "cvt16", "nodeid_msr", "tbm", "topoext", "perfctr_core",
    "perfctr_nb", "invtsc", "clzero", "xsaveerptr", "wbnoinvd", "ibpb", "ibrs",
    "amd-stibp", "amd-ssbd", "virt-ssbd", "amd-no-ssb", "npt", "lbrv", "svm-lock",
    "nrip-save", "tsc-scale", "vmcb-clean", "flushbyasid", "decodeassists",
    "pause-filter", "pfthreshold", "avic", "v-vmsave-vmload", "vgif", "svme-addr-chk",
)

# name -> (vendor, features)
MODELS: dict[str, tuple[str | None, frozenset[str]]] = {
    "486": (None, _set(
        "fpu pse vme "
    )),
    "pentium": (None, _set(
        "cx8 de fpu mce mmx msr pse tsc vme "
    )),
    "pentium2": (None, _set(
        "cmov cx8 de fpu fxsr mca mce mmx msr mtrr pae pat pge pse pse36 sep "
        "tsc vme "
    )),
    "pentium3": (None, _set(
        "cmov cx8 de fpu fxsr mca mce mmx msr mtrr pae pat pge pse pse36 sep "
        "sse tsc vme "
    )),
    "pentiumpro": (None, _set(
        "apic cmov cx8 de fpu fxsr mce mmx msr pae pat pge pse sep sse sse2 tsc "
    )),
    "coreduo": ('Intel', _set(
        "apic clflush cmov cx8 de fpu fxsr mca mce mmx monitor msr mtrr nx pae "
        "pat pge pni pse sep sse sse2 tsc vme "
    )),
    "n270": ('Intel', _set(
        "apic clflush cmov cx8 de fpu fxsr mca mce mmx monitor msr mtrr nx pae "
        "pat pge pni pse sep sse sse2 ssse3 tsc vme "
    )),
    "core2duo": ('Intel', _set(
        "apic clflush cmov cx8 de fpu fxsr lm mca mce mmx monitor msr mtrr nx "
        "pae pat pge pni pse pse36 sep sse sse2 ssse3 syscall tsc vme "
    )),
    "qemu32": (None, _set(
        "apic cmov cx8 de fpu fxsr mce mmx msr pae pat pge pni pse sep sse sse2 "
        "tsc "
    )),
    "kvm32": (None, _set(
        "apic clflush cmov cx8 de fpu fxsr mca mce mmx msr mtrr pae pat pge pni "
        "pse pse36 sep sse sse2 tsc "
    )),
    "cpu64-rhel5": (None, _set(
        "apic clflush cmov cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat "
        "pge pni pse pse36 sep sse sse2 syscall tsc "
    )),
    "cpu64-rhel6": (None, _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
        "nx pae pat pge pni pse pse36 sep sse sse2 syscall tsc "
    )),
    "qemu64": (None, _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae "
        "pat pge pni pse pse36 sep sse sse2 svm syscall tsc "
    )),
    "kvm64": (None, _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae "
        "pat pge pni pse pse36 sep sse sse2 syscall tsc "
    )),
    "Conroe": ('Intel', _set(
        "apic clflush cmov cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx "
        "pae pat pge pni pse pse36 sep sse sse2 ssse3 syscall tsc "
    )),
    "Penryn": ('Intel', _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
        "nx pae pat pge pni pse pse36 sep sse sse2 sse4.1 ssse3 syscall tsc "
    )),
    "Nehalem": ('Intel', _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
        "nx pae pat pge pni popcnt pse pse36 sep sse sse2 sse4.1 sse4.2 ssse3 "
        "syscall tsc "
    )),
    "Nehalem-IBRS": ('Intel', _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
        "nx pae pat pge pni popcnt pse pse36 sep spec-ctrl sse sse2 sse4.1 "
        "sse4.2 ssse3 syscall tsc "
    )),
    "Westmere": ('Intel', _set(
        "aes apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr "
        "mtrr nx pae pat pge pni popcnt pse pse36 sep sse sse2 sse4.1 sse4.2 "
        "ssse3 syscall tsc "
    )),
    "Westmere-IBRS": ('Intel', _set(
        "aes apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr "
        "mtrr nx pae pat pge pni popcnt pse pse36 sep spec-ctrl sse sse2 sse4.1 "
        "sse4.2 ssse3 syscall tsc "
    )),
    "SandyBridge": ('Intel', _set(
        "aes apic avx clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx "
        "msr mtrr nx pae pat pclmuldq pge pni popcnt pse pse36 rdtscp sep sse "
        "sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave "
    )),
    "SandyBridge-IBRS": ('Intel', _set(
        "aes apic avx clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx "
        "msr mtrr nx pae pat pclmuldq pge pni popcnt pse pse36 rdtscp sep spec- "
        "ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic "
        "xsave "
    )),
    "IvyBridge": ('Intel', _set(
        "aes apic avx clflush cmov cx16 cx8 de erms f16c fpu fsgsbase fxsr "
        "lahf_lm lm mca mce mmx msr mtrr nx pae pat pclmuldq pge pni popcnt pse "
        "pse36 rdrand rdtscp sep smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc "
        "tsc-deadline vme x2apic xsave "
    )),
    "IvyBridge-IBRS": ('Intel', _set(
        "aes apic avx clflush cmov cx16 cx8 de erms f16c fpu fsgsbase fxsr "
        "lahf_lm lm mca mce mmx msr mtrr nx pae pat pclmuldq pge pni popcnt pse "
        "pse36 rdrand rdtscp sep smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 "
        "syscall tsc tsc-deadline vme x2apic xsave "
    )),
    "Haswell-noTSX": ('Intel', _set(
        "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu "
        "fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat "
        "pcid pclmuldq pge pni popcnt pse pse36 rdtscp sep smep sse sse2 sse4.1 "
        "sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave "
    )),
    "Haswell-noTSX-IBRS": ('Intel', _set(
        "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu "
        "fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat "
        "pcid pclmuldq pge pni popcnt pse pse36 rdtscp sep smep spec-ctrl sse "
        "sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave "
    )),
    "Haswell": ('Intel', _set(
        "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu "
        "fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae "
        "pat pcid pclmuldq pge pni popcnt pse pse36 rdtscp rtm sep smep sse "
        "sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave "
    )),
    "Haswell-IBRS": ('Intel', _set(
        "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu "
        "fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae "
        "pat pcid pclmuldq pge pni popcnt pse pse36 rdtscp rtm sep smep spec- "
        "ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic "
        "xsave "
    )),
    "Broadwell-noTSX": ('Intel', _set(
        "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
        "erms fma fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe msr "
        "mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdseed rdtscp "
        "sep smap smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline "
        "x2apic xsave "
    )),
    "Broadwell-noTSX-IBRS": ('Intel', _set(
        "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
        "erms fma fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe msr "
        "mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdseed rdtscp "
        "sep smap smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc- "
        "deadline x2apic xsave "
    )),
    "Broadwell": ('Intel', _set(
        "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
        "erms fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe "
        "msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdseed "
        "rdtscp rtm sep smap smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc- "
        "deadline x2apic xsave "
    )),
    "Broadwell-IBRS": ('Intel', _set(
        "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
        "erms fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe "
        "msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdseed "
        "rdtscp rtm sep smap smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 "
        "syscall tsc tsc-deadline x2apic xsave "
    )),
    "Skylake-Client": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush cmov "
        "cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca "
        "mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse "
        "pse36 rdrand rdseed rdtscp rtm sep smap smep sse sse2 sse4.1 sse4.2 "
        "ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec "
        "xsaveopt "
    )),
    "Skylake-Client-IBRS": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush cmov "
        "cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca "
        "mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse "
        "pse36 rdrand rdseed rdtscp rtm sep smap smep spec-ctrl sse sse2 sse4.1 "
        "sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec "
        "xsaveopt "
    )),
    "Skylake-Client-noTSX-IBRS": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush cmov "
        "cx16 cx8 de erms f16c fma fpu fsgsbase fxsr invpcid lahf_lm lm mca mce "
        "mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse "
        "pse36 rdrand rdseed rdtscp sep smap smep spec-ctrl sse sse2 sse4.1 "
        "sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec "
        "xsaveopt "
    )),
    "Skylake-Server": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
        "avx512dq avx512f avx512vl bmi1 bmi2 clflush clwb cmov cx16 cx8 de erms "
        "f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe "
        "mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge pni popcnt pse pse36 "
        "rdrand rdseed rdtscp rtm sep smap smep sse sse2 sse4.1 sse4.2 ssse3 "
        "syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec xsaveopt "
    )),
    "Skylake-Server-IBRS": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
        "avx512dq avx512f avx512vl bmi1 bmi2 clflush clwb cmov cx16 cx8 de erms "
        "f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe "
        "mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge pni popcnt pse pse36 "
        "rdrand rdseed rdtscp rtm sep smap smep spec-ctrl sse sse2 sse4.1 "
        "sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec "
        "xsaveopt "
    )),
    "Skylake-Server-noTSX-IBRS": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
        "avx512dq avx512f avx512vl bmi1 bmi2 clflush clwb cmov cx16 cx8 de erms "
        "f16c fma fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe mpx "
        "msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge pni popcnt pse pse36 "
        "rdrand rdseed rdtscp sep smap smep spec-ctrl sse sse2 sse4.1 sse4.2 "
        "ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec "
        "xsaveopt "
    )),
    "Cascadelake-Server": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
        "avx512dq avx512f avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb "
        "cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm "
        "lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge "
        "pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap smep spec-ctrl "
        "ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic "
        "xgetbv1 xsave xsavec xsaveopt "
    )),
    "Cascadelake-Server-noTSX": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
        "avx512dq avx512f avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb "
        "cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr invpcid lahf_lm lm "
        "mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge "
        "pni popcnt pse pse36 rdrand rdseed rdtscp sep smap smep spec-ctrl ssbd "
        "sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic "
        "xgetbv1 xsave xsavec xsaveopt "
    )),
    "Icelake-Client": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq "
        "avx512bitalg avx512vbmi avx512vbmi2 avx512vnni bmi1 bmi2 clflush cmov "
        "cx16 cx8 de erms f16c fma fpu fsgsbase fxsr gfni hle intel-pt invpcid "
        "lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pge "
        "pku pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap smep spec- "
        "ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline umip "
        "vaes vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt "
    )),
    "Icelake-Client-noTSX": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq "
        "avx512bitalg avx512vbmi avx512vbmi2 avx512vnni bmi1 bmi2 clflush cmov "
        "cx16 cx8 de erms f16c fma fpu fsgsbase fxsr gfni intel-pt invpcid "
        "lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pge "
        "pku pni popcnt pse pse36 rdrand rdseed rdtscp sep smap smep spec-ctrl "
        "ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline umip vaes "
        "vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt "
    )),
    "Icelake-Server": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq "
        "avx512bitalg avx512bw avx512cd avx512dq avx512f avx512vbmi avx512vbmi2 "
        "avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de "
        "erms f16c fma fpu fsgsbase fxsr gfni hle intel-pt invpcid la57 lahf_lm "
        "lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge "
        "pku pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap smep spec- "
        "ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline umip "
        "vaes vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt "
    )),
    "Icelake-Server-noTSX": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq "
        "avx512bitalg avx512bw avx512cd avx512dq avx512f avx512vbmi avx512vbmi2 "
        "avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de "
        "erms f16c fma fpu fsgsbase fxsr gfni intel-pt invpcid la57 lahf_lm lm "
        "mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge "
        "pku pni popcnt pse pse36 rdrand rdseed rdtscp sep smap smep spec-ctrl "
        "ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline umip vaes "
        "vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt "
    )),
    "Cooperlake": ('Intel', _set(
        "3dnowprefetch abm adx aes apic arat arch-capabilities avx avx2 "
        "avx512-bf16 avx512bw avx512cd avx512dq avx512f avx512vl avx512vnni "
        "bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de erms f16c fma fpu "
        "fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae "
        "pat pcid pclmuldq pdpe1gb pge pku pni popcnt pse pse36 rdrand rdseed "
        "rdtscp rtm sep smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 "
        "stibp syscall tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec "
        "xsaveopt "
    )),
    "Snowridge": ('Intel', _set(
        "3dnowprefetch aes apic arat arch-capabilities cldemote clflush "
        "clflushopt clwb cmov core-capability cx16 cx8 de erms fpu fsgsbase "
        "fxsr gfni lahf_lm lm mca mce mmx movbe movdir64b movdiri msr mtrr nx "
        "pae pat pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp "
        "sep sha-ni smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 "
        "syscall tsc tsc-deadline umip vme x2apic xgetbv1 xsave xsavec xsaveopt "
    )),
    "athlon": ('AMD', _set(
        "3dnow 3dnowext apic cmov cx8 de fpu fxsr mce mmx mmxext msr mtrr pae "
        "pat pge pse pse36 sep sse sse2 tsc vme "
    )),
    "phenom": ('AMD', _set(
        "3dnow 3dnowext apic clflush cmov cx8 de fpu fxsr fxsr_opt lm mca mce "
        "mmx mmxext monitor msr mtrr nx pae pat pge pni pse pse36 sep sse sse2 "
        "svm syscall tsc "
    )),
    "Opteron_G1": ('AMD', _set(
        "apic clflush cmov cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat "
        "pge pni pse pse36 sep sse sse2 syscall tsc "
    )),
    "Opteron_G2": ('AMD', _set(
        "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
        "nx pae pat pge pni pse pse36 rdtscp sep sse sse2 svm syscall tsc "
    )),
    "Opteron_G3": ('AMD', _set(
        "abm apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce "
        "misalignsse mmx monitor msr mtrr nx pae pat pge pni popcnt pse pse36 "
        "rdtscp sep sse sse2 sse4a svm syscall tsc "
    )),
    "Opteron_G4": ('AMD', _set(
        "3dnowprefetch abm aes apic avx clflush cmov cx16 cx8 de fma4 fpu fxsr "
        "lahf_lm lm mca mce misalignsse mmx msr mtrr nx pae pat pclmuldq "
        "pdpe1gb pge pni popcnt pse pse36 rdtscp sep sse sse2 sse4.1 sse4.2 "
        "sse4a ssse3 svm syscall tsc xop xsave "
    )),
    "Opteron_G5": ('AMD', _set(
        "3dnowprefetch abm aes apic avx clflush cmov cx16 cx8 de f16c fma fma4 "
        "fpu fxsr lahf_lm lm mca mce misalignsse mmx msr mtrr nx pae pat "
        "pclmuldq pdpe1gb pge pni popcnt pse pse36 rdtscp sep sse sse2 sse4.1 "
        "sse4.2 sse4a ssse3 svm syscall tbm tsc xop xsave "
    )),
    "EPYC": ('AMD', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush "
        "clflushopt cmov cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr "
        "fxsr_opt lahf_lm lm mca mce misalignsse mmx mmxext monitor movbe msr "
        "mtrr nx osvw pae pat pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand "
        "rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 sse4.2 sse4a ssse3 "
        "svm syscall tsc vme xgetbv1 xsave xsavec xsaveopt "
    )),
    "EPYC-IBPB": ('AMD', _set(
        "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush "
        "clflushopt cmov cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr "
        "fxsr_opt ibpb lahf_lm lm mca mce misalignsse mmx mmxext monitor movbe "
        "msr mtrr nx osvw pae pat pclmuldq pdpe1gb pge pni popcnt pse pse36 "
        "rdrand rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 sse4.2 sse4a "
        "ssse3 svm syscall tsc vme xgetbv1 xsave xsavec xsaveopt "
    )),
    "EPYC-Rome": ('AMD', _set(
        "3dnowprefetch abm adx aes amd-stibp apic arat avx avx2 bmi1 bmi2 "
        "clflush clflushopt clwb clzero cmov cr8legacy cx16 cx8 de f16c fma fpu "
        "fsgsbase fxsr fxsr_opt ibpb lahf_lm lm mca mce misalignsse mmx mmxext "
        "movbe msr mtrr npt nrip-save nx osvw pae pat pclmuldq pdpe1gb "
        "perfctr_core pge pni popcnt pse pse36 rdpid rdrand rdseed rdtscp sep "
        "sha-ni smap smep sse sse2 sse4.1 sse4.2 sse4a ssse3 svm syscall tsc "
        "umip vme wbnoinvd xgetbv1 xsave xsavec xsaveerptr xsaveopt "
    )),
    "EPYC-Milan": ('AMD', _set(
        "3dnowprefetch abm adx aes amd-ssbd amd-stibp apic arat avx avx2 bmi1 "
        "bmi2 clflush clflushopt clwb clzero cmov cr8legacy cx16 cx8 de erms "
        "f16c fma fpu fsgsbase fsrm fxsr fxsr_opt ibpb ibrs invpcid lahf_lm lm "
        "mca mce misalignsse mmx mmxext movbe msr mtrr npt nrip-save nx osvw "
        "pae pat pcid pclmuldq pdpe1gb perfctr_core pge pku pni popcnt pse "
        "pse36 rdpid rdrand rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 "
        "sse4.2 sse4a ssse3 svm svme-addr-chk syscall tsc umip vme wbnoinvd "
        "xgetbv1 xsave xsavec xsaveerptr xsaveopt xsaves "
    )),
    "Dhyana": ('Hygon', _set(
        "3dnowprefetch abm adx apic arat avx avx2 bmi1 bmi2 clflush clflushopt "
        "cmov cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr fxsr_opt ibpb "
        "lahf_lm lm mca mce misalignsse mmx mmxext monitor movbe msr mtrr nx "
        "osvw pae pat pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp sep "
        "smap smep sse sse2 sse4.1 sse4.2 sse4a ssse3 svm syscall tsc vme "
        "xgetbv1 xsave xsavec xsaveopt "
    )),
}

# The features libvirt 9.0's map marks removed='yes' in a model: no longer
# part of it, and disabled explicitly whenever the model is used.
REMOVED_FEATURES: dict[str, tuple[str, ...]] = {
    "Opteron_G3": ("monitor",),
    "EPYC": ("monitor",),
    "EPYC-IBPB": ("monitor",),
    "Dhyana": ("monitor",),
    "Icelake-Client": ("intel-pt",),
    "Icelake-Client-noTSX": ("intel-pt",),
    "Icelake-Server": ("intel-pt",),
    "Icelake-Server-noTSX": ("intel-pt",),
}

# The features libvirt 9.0's map reads from MSRs (the IA32_ARCH_CAPABILITIES
# bits and the core capabilities), after the CPUID ones in map order.
MSR_FEATURES: tuple[str, ...] = (
    "rdctl-no", "ibrs-all", "rsba", "skip-l1dfl-vmentry", "ssb-no", "mds-no",
    "pschange-mc-no", "tsx-ctrl", "taa-no", "split-lock-detect",
)
# Features a migratable CPU leaves out (migratable='no' in the map).
NOT_MIGRATABLE_FEATURES = frozenset({"invtsc"})
# CPUID vendor strings of the map's vendors.
VENDOR_IDS = {"GenuineIntel": "Intel", "AuthenticAMD": "AMD", "HygonGenuine": "Hygon"}
