/*
 * t-esc.c - esc_str(): what reaches a terminal from addresses, headers
 * and server replies.
 */
#include <string.h>

#include "esc.h"
#include "tap.h"

static const struct {
	const char	*what, *in, *want;
} rows[] = {
	{ "plain ASCII", "bob@example.org", "bob@example.org" },
	{ "valid UTF-8 kept", "j\xc3\xb6rg@b\xc3\xbc" "cher.de",
	    "j\xc3\xb6rg@b\xc3\xbc" "cher.de" },
	{ "ESC (cursor, title)", "a\x1b]0;pwned\x07@x",
	    "a\\x1B]0;pwned\\x07@x" },
	{ "CR LF", "a\r\nb", "a\\x0D\\x0Ab" },
	{ "DEL", "a\x7f", "a\\x7F" },
	{ "C1 CSI (U+009B)", "a\xc2\x9b" "2J", "a\\u{009B}2J" },
	{ "RLO (U+202E)", "evil\xe2\x80\xaegpj.exe", "evil\\u{202E}gpj.exe" },
	{ "LRI..PDI (U+2066, U+2069)", "\xe2\x81\xa6x\xe2\x81\xa9",
	    "\\u{2066}x\\u{2069}" },
	{ "ALM (U+061C)", "\xd8\x9c", "\\u{061C}" },
	{ "LRM, RLM", "\xe2\x80\x8e\xe2\x80\x8f", "\\u{200E}\\u{200F}" },
	{ "line separator", "\xe2\x80\xa8", "\\u{2028}" },
	{ "lone continuation byte", "a\x80z", "a\\x80z" },
	{ "overlong '/'", "\xc0\xaf", "\\xC0\\xAF" },
	{ "surrogate", "\xed\xa0\x80", "\\xED\\xA0\\x80" },
	{ "truncated sequence", "a\xe2\x80", "a\\xE2\\x80" },
	{ "4-byte emoji kept", "\xf0\x9f\x93\xa7", "\xf0\x9f\x93\xa7" },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80" },
};

int
main(void)
{
	char out[ESC_MAX(64)], small[6];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ok(strcmp(esc_str(rows[i].in, out, sizeof(out)),
		    rows[i].want) == 0, "%s: %s", rows[i].what, out);
	ok(strcmp(esc_str("ab\x1b" "cd", small, sizeof(small)), "ab") == 0,
	    "cut before an escape that does not fit: '%s'", small);
	ok(strcmp(esc_str("abcdefgh", small, sizeof(small)), "abcde") == 0,
	    "cut at cap - 1: '%s'", small);
	ok(strcmp(esc_str("a\xc3\xb6", small, 3), "a") == 0,
	    "never half a character");
	return done_testing();
}
