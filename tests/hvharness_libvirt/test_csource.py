"""Reading the test programs' C: tokens, macros, statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvharness_libvirt.csource import (
    CSourceError,
    expand,
    function_body,
    parse_defines,
    split_args,
    split_statements,
    string_value,
    tokenize,
)

SRC = Path("prog.c")

PROGRAM = r'''
#define CALL(name, suffix, ...) \
    PRIMITIVE(name, suffix, __VA_ARGS__, END)
#define ARCH(name, arch) \
    CALL(name, "." arch "-latest", ARCH_ARG, arch)
#define TPM_VAR "VIR_TPM"

static int
mymain(void)
{
    int ret = 0;
    /* ARCH("in-a-comment", "x86_64"); */
    ARCH("first", "ppc64");  // ARCH("also-a-comment", "s390x");
    do { x(); } while (0);
    setenv(TPM_VAR, "a;b", 1);
    if (ret) { goto cleanup; }
 cleanup:
    return ret;
}
'''


def _statements() -> list[str]:
    body = function_body(tokenize(PROGRAM, SRC), "mymain", SRC)
    return [s.text for s in split_statements(body)]


def test_statements_skip_comments_and_keep_blocks_whole() -> None:
    assert _statements() == [
        "int ret = 0 ;",
        'ARCH ( "first" , "ppc64" ) ;',
        "do { x ( ) ; } while ( 0 ) ;",
        'setenv ( TPM_VAR , "a;b" , 1 ) ;',
        "if ( ret ) { goto cleanup ; }",
        "cleanup :",
        "return ret ;",
    ]


def test_macros_expand_to_the_primitive_call_with_the_call_line() -> None:
    macros = parse_defines(PROGRAM, SRC)
    call = [t for t in tokenize(PROGRAM, SRC) if t.line == 13][:6]
    expanded = expand(call, macros, SRC)
    args, end = split_args(expanded, 1, SRC)
    assert expanded[0].text == "PRIMITIVE" and end == len(expanded)
    assert [string_value(a) for a in args[:2]] == ["first", ".ppc64-latest"]
    assert [" ".join(t.text for t in a) for a in args[2:]] == ["ARCH_ARG", '"ppc64"', "END"]
    assert {t.line for t in expanded} == {13}
    assert string_value(expand(tokenize("TPM_VAR", SRC), macros, SRC)) == "VIR_TPM"


def test_wrong_argument_count_names_file_and_line() -> None:
    macros = parse_defines(PROGRAM, SRC)
    tokens = tokenize('\n\nARCH("only-one");', SRC)
    with pytest.raises(CSourceError, match=r"prog.c:3: ARCH takes 2 arguments, got 1"):
        expand(tokens, macros, SRC)


def test_unreadable_text_names_file_and_line() -> None:
    with pytest.raises(CSourceError, match=r"prog.c:2: cannot read C text at '@'"):
        tokenize("int x;\n@", SRC)
    with pytest.raises(CSourceError, match=r"prog.c:1: no definition of mymain\(\)"):
        function_body(tokenize("int main(void) { }", SRC), "mymain", SRC)
