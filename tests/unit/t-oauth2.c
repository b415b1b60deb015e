/*
 * t-oauth2.c - the pure OAuth2 pieces: form encoding, the token response
 * parser (kept fields, escapes, skipped values, every malformed shape and
 * bound), the device authorization answer (RFC 8628 3.2), the claims of a
 * JWT access token, base64url, PKCE S256 (RFC 7636 app. B), the
 * authorization URL (prompt=consent for Google only) and a pasted redirect.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd_oauth2.h"
#include "err.h"
#include "oauth2.h"
#include "tap.h"

#define T_BUF_MAX	512

static const struct {
	const char	*key;
	const char	*val;
	size_t		 cap;
	int		 rc;
	const char	*want;	/* after "a=b" */
	const char	*why;
} forms[] = {
	{ "grant_type", "refresh_token", T_BUF_MAX, 0,
	    "a=b&grant_type=refresh_token", "plain value" },
	{ "refresh_token", "1//0g+x/y=z&w", T_BUF_MAX, 0,
	    "a=b&refresh_token=1%2F%2F0g%2Bx%2Fy%3Dz%26w", "+ / = & encoded" },
	{ "scope", "https://mail.google.com/ x", T_BUF_MAX, 0,
	    "a=b&scope=https%3A%2F%2Fmail.google.com%2F%20x", "space and :" },
	{ "k", "-._~AZaz09", T_BUF_MAX, 0, "a=b&k=-._~AZaz09",
	    "unreserved characters kept" },
	{ "k", "\xc3\xa4", T_BUF_MAX, 0, "a=b&k=%C3%A4", "UTF-8 bytes" },
	{ "k", "", T_BUF_MAX, 0, "a=b&k=", "empty value" },
	{ "k", "vvvv", 11, 0, "a=b&k=vvvv", "exactly fits" },
	{ "k", "vvvvv", 11, -1, "a=b", "one byte too long: unchanged" },
	{ "k", "v/", 10, -1, "a=b", "an escape that does not fit" },
	{ "k", "v/", 11, 0, "a=b&k=v%2F", "an escape that just fits" },
};

struct jrow {
	const char	*json;
	int		 rc;
	const char	*access;
	const char	*refresh;
	long		 expires;
	const char	*error;
	const char	*desc;
	const char	*why;
};

static const struct jrow jrows[] = {
	{ "{\"access_token\":\"ya29.x\",\"expires_in\":3599,"
	    "\"token_type\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}",
	    0, "ya29.x", "", 3599, "", "", "Google answer" },
	{ " {\n \"token_type\" : \"Bearer\", \"expires_in\" : \"3600\", "
	    "\"ext_expires_in\":3600, \"access_token\" : \"eyJ0\", "
	    "\"refresh_token\" : \"0.AX\" } \r\n", 0, "eyJ0", "0.AX", 3600, "",
	    "", "Microsoft answer, expires_in as a string, white space" },
	{ "{\"error\":\"invalid_grant\",\"error_description\":"
	    "\"Token has been expired or revoked.\"}", 0, "", "", -1,
	    "invalid_grant", "Token has been expired or revoked.",
	    "refusal with a description" },
	{ "{\"error_description\":\"bad\\nline\\u0007\",\"error\":\"x\"}", 0,
	    "", "", -1, "x", "bad?line?", "control bytes in a description "
	    "sanitised" },
	{ "{\"access_token\":\"a\\\"b\\\\c\\/d\\u00e4\\ud83d\\ude00\"}", 0,
	    "a\"b\\c/d\xc3\xa4\xf0\x9f\x98\x80", "", -1, "", "",
	    "escapes, \\u and a surrogate pair" },
	{ "{\"x\":{\"y\":[1,2.5e3,true,null,{\"z\":\"}\"}]},"
	    "\"access_token\":\"t\"}", 0, "t", "", -1, "", "",
	    "nested values skipped" },
	{ "{\"access_token\":123,\"refresh_token\":null}", 0, "", "", -1, "",
	    "", "non-string token values ignored" },
	{ "{\"a_very_long_key_that_is_not_one_we_know_about\":1,"
	    "\"access_token\":\"t\"}", 0, "t", "", -1, "", "",
	    "a long unknown key" },
	{ "{}", 0, "", "", -1, "", "", "empty object" },
	{ "", -1, "", "", -1, "", "", "empty body" },
	{ "[\"access_token\"]", -1, "", "", -1, "", "", "an array" },
	{ "<html>502</html>", -1, "", "", -1, "", "", "HTML" },
	{ "{\"access_token\":\"t\"", -1, "", "", -1, "", "", "unterminated" },
	{ "{\"access_token\":\"t}", -1, "", "", -1, "", "",
	    "unterminated string" },
	{ "{\"access_token\":\"t\"} x", -1, "", "", -1, "", "",
	    "garbage after the object" },
	{ "{\"access_token\":\"t\",}", -1, "", "", -1, "", "",
	    "trailing comma" },
	{ "{\"access_token\" \"t\"}", -1, "", "", -1, "", "", "missing colon" },
	{ "{\"access_token\":\"a\tb\"}", -1, "", "", -1, "", "",
	    "raw TAB inside a string" },
	{ "{\"access_token\":\"\\u0000\"}", -1, "", "", -1, "", "",
	    "\\u0000" },
	{ "{\"access_token\":\"\\ude00\"}", -1, "", "", -1, "", "",
	    "lone low surrogate" },
	{ "{\"access_token\":\"\\x\"}", -1, "", "", -1, "", "",
	    "unknown escape" },
	{ "{\"expires_in\":\"soon\"}", -1, "", "", -1, "", "",
	    "expires_in not a number" },
	{ "{\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}", -1, "", "", -1, "",
	    "", "nested deeper than OAUTH2_JSON_DEPTH" },
	{ "{\"error\":\"an_error_code_longer_than_sixty_four_bytes_is_not_"
	    "one_we_keep_at_all_really\"}", -1, "", "", -1, "", "",
	    "error longer than its buffer" },
};

static void
test_form(void)
{
	char buf[T_BUF_MAX];
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		len = 0;
		oauth2_form_add(buf, sizeof(buf), &len, "a", "b");
		rc = oauth2_form_add(buf, forms[i].cap, &len, forms[i].key,
		    forms[i].val);
		ok(rc == forms[i].rc && strcmp(buf, forms[i].want) == 0 &&
		    len == strlen(forms[i].want), "form: %s", forms[i].why);
		if (strcmp(buf, forms[i].want) != 0)
			diag("  got \"%s\"", buf);
	}
	len = 0;
	ok(oauth2_form_add(buf, sizeof(buf), &len, "k", "v") == 0 &&
	    strcmp(buf, "k=v") == 0, "form: no & before the first pair");
}

static void
test_json_row(const struct jrow *t, struct oauth2_resp *r)
{
	struct err e;
	int rc;

	err_init(&e);
	memset(r, 0, sizeof(*r));
	rc = oauth2_json_parse(t->json, strlen(t->json), r, &e);
	ok(rc == t->rc && (rc == -1 ? e.ex == EX_PROTOCOL :
	    strcmp(r->access.buf, t->access) == 0 &&
	    r->access.len == strlen(t->access) &&
	    strcmp(r->refresh.buf, t->refresh) == 0 &&
	    r->expires_in == t->expires && strcmp(r->error, t->error) == 0 &&
	    strcmp(r->error_desc, t->desc) == 0), "json: %s", t->why);
	if (rc != t->rc)
		diag("  rc %d: %s", rc, e.msg);
	ok(rc == 0 || (r->access.len == 0 && r->access.buf[0] == '\0'),
	    "json: %s: no token left behind on failure", t->why);
}

static void
test_json(void)
{
	struct oauth2_resp *r;
	struct err e;
	size_t i;
	char *big;

	r = calloc(1, sizeof(*r));
	big = malloc(SECRET_MAX + 64);
	if (r == NULL || big == NULL) {
		ok(0, "out of memory");
		return;
	}
	for (i = 0; i < sizeof(jrows) / sizeof(jrows[0]); i++)
		test_json_row(&jrows[i], r);
	/* a token of SECRET_MAX bytes fits, one more does not */
	memcpy(big, "{\"access_token\":\"", 17);
	memset(big + 17, 'T', SECRET_MAX);
	memcpy(big + 17 + SECRET_MAX, "\"}", 2);
	err_init(&e);
	ok(oauth2_json_parse(big, 19 + SECRET_MAX, r, &e) == 0 &&
	    r->access.len == SECRET_MAX, "json: a SECRET_MAX-byte token");
	memcpy(big + 17, "TTT", 3);
	memset(big + 17, 'T', SECRET_MAX + 1);
	memcpy(big + 18 + SECRET_MAX, "\"}", 2);
	err_init(&e);
	ok(oauth2_json_parse(big, 20 + SECRET_MAX, r, &e) == -1 &&
	    strstr(e.msg, "TTT") == NULL, "json: a longer token refused, not "
	    "shown");
	free(big);
	free(r);
}

static void
test_pkce(void)
{
	char out[T_BUF_MAX];

	ok(oauth2_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	    out, sizeof(out)) == 0 && strcmp(out,
	    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") == 0,
	    "PKCE S256 of RFC 7636 appendix B");
	ok(oauth2_b64url("\xfb\xff", 2, out, sizeof(out)) == 0 &&
	    strcmp(out, "-_8") == 0, "base64url: - _ and no padding");
	is_int(oauth2_b64url("abc", 3, out, 4), -1, "base64url: too small");
}

static void
test_auth_url(void)
{
	char out[T_BUF_MAX];

	ok(oauth2_auth_url("https://accounts.google.com/o/oauth2/v2/auth",
	    "id.apps", "http://127.0.0.1:4711/", "https://mail.google.com/",
	    "st", "ch", out, sizeof(out)) == 0 && strcmp(out,
	    "https://accounts.google.com/o/oauth2/v2/auth?response_type=code"
	    "&client_id=id.apps&redirect_uri=http%3A%2F%2F127.0.0.1%3A4711%2F"
	    "&scope=https%3A%2F%2Fmail.google.com%2F&state=st"
	    "&code_challenge=ch&code_challenge_method=S256"
	    "&access_type=offline&prompt=consent") == 0,
	    "authorization URL with every parameter encoded");
	ok(oauth2_auth_url("https://login.microsoftonline.com/organizations/"
	    "oauth2/v2.0/authorize", "i", "r", "s", "st", "ch", out,
	    sizeof(out)) == 0 && strstr(out, "prompt=") == NULL &&
	    strstr(out, "access_type=") == NULL &&
	    strstr(out, "code_challenge_method=S256") != NULL,
	    "no prompt=consent for Microsoft (\"Need admin approval\")");
	ok(oauth2_auth_url("https://x/auth?tenant=t", "i", "r", "s", "st",
	    "ch", out, sizeof(out)) == 0 &&
	    strncmp(out, "https://x/auth?tenant=t&response_type=code", 42) ==
	    0, "a base URL with a query gets & not ?");
	is_int(oauth2_auth_url("https://x/auth", "i", "r", "s", "st", "ch",
	    out, 40), -1, "authorization URL longer than the buffer");
}

static void
test_device(void)
{
	static const char ms[] = "{\"user_code\":\"FGHJ-KLMN\","
	    "\"device_code\":\"DAQABAAEAAAD\",\"verification_uri\":"
	    "\"https://microsoft.com/devicelogin\",\"expires_in\":900,"
	    "\"interval\":5,\"message\":\"To sign in, use a web browser\"}";
	static const char google[] = "{\"device_code\":\"AH-1Ng\","
	    "\"user_code\":\"GQVQ-JKEC\",\"verification_url\":"
	    "\"https://www.google.com/device\",\"expires_in\":1800,"
	    "\"verification_uri_complete\":\"https://x/d?c=\\u001b[2J\"}";
	struct oauth2_resp *r;
	struct err e;

	err_init(&e);
	if ((r = oauth2_resp_new(&e)) == NULL)
		return;
	ok(oauth2_json_parse(ms, sizeof(ms) - 1, r, &e) == 0 &&
	    strcmp(r->device_code.buf, "DAQABAAEAAAD") == 0 &&
	    strcmp(r->user_code, "FGHJ-KLMN") == 0 &&
	    strcmp(r->verify_uri, "https://microsoft.com/devicelogin") == 0 &&
	    r->verify_uri_full[0] == '\0' && r->interval == 5 &&
	    r->expires_in == 900, "device answer (Microsoft)");
	memset(r, 0, sizeof(*r));
	ok(oauth2_json_parse(google, sizeof(google) - 1, r, &e) == 0 &&
	    strcmp(r->verify_uri, "https://www.google.com/device") == 0 &&
	    strcmp(r->verify_uri_full, "https://x/d?c=?[2J") == 0 &&
	    r->interval == -1, "device answer (Google's verification_url; "
	    "an escape sequence in a shown URI sanitised)");
	oauth2_resp_free(r);
}

/* base64url of a JSON payload between two dummy JWT parts. */
static void
jwt_of(const char *payload, char *out, size_t cap)
{
	char b[T_BUF_MAX / 2];

	oauth2_b64url(payload, strlen(payload), b, sizeof(b));
	snprintf(out, cap, "eyJhbGciOiJub25lIn0.%s.c2ln", b);
}

static void
test_jwt(void)
{
	struct oauth2_claims c;
	char tok[T_BUF_MAX];

	jwt_of("{\"aud\":\"https://outlook.office.com\",\"exp\":1765000000,"
	    "\"scp\":\"SMTP.Send\",\"upn\":\"alice@contoso.com\","
	    "\"x\":{\"y\":[1]}}", tok, sizeof(tok));
	ok(oauth2_jwt_claims(tok, strlen(tok), &c) == 0 &&
	    strcmp(c.aud, "https://outlook.office.com") == 0 &&
	    strcmp(c.scp, "SMTP.Send") == 0 &&
	    strcmp(c.upn, "alice@contoso.com") == 0 && c.exp == 1765000000,
	    "JWT claims: aud, scp, upn, exp");
	jwt_of("{\"aud\":[\"a\",\"b\"],\"roles\":[\"SMTP.SendAsApp\"],"
	    "\"email\":\"x@y\"}", tok, sizeof(tok));
	ok(oauth2_jwt_claims(tok, strlen(tok), &c) == 0 &&
	    strcmp(c.aud, "a b") == 0 && strcmp(c.scp, "SMTP.SendAsApp") == 0 &&
	    strcmp(c.upn, "x@y") == 0 && c.exp == -1,
	    "JWT claims: arrays, roles (app-only), email");
	ok(oauth2_jwt_claims("ya29.a0AfH6SM", 13, &c) == -1,
	    "an opaque (Google) token has no claims");
	ok(oauth2_jwt_claims("a.!!!.c", 7, &c) == -1, "bad base64url");
	jwt_of("{\"aud\":", tok, sizeof(tok));
	ok(oauth2_jwt_claims(tok, strlen(tok), &c) == -1, "cut JSON");
}

static void
test_paste(void)
{
	struct login_req r;
	struct err e;

	err_init(&e);
	ok(oauth2_paste_parse("  http://127.0.0.1:50000/?code=4%2F0Ab&scope="
	    "x&state=St4te \r\n", &r, &e) == 0 &&
	    strcmp(r.code, "4/0Ab") == 0 && strcmp(r.state, "St4te") == 0 &&
	    !r.bare, "pasted redirect URL");
	ok(oauth2_paste_parse("http://127.0.0.1:50000/?state=s&code=c#frag",
	    &r, &e) == 0 && strcmp(r.code, "c") == 0, "a fragment is cut");
	ok(oauth2_paste_parse("4/0AbCd-ef", &r, &e) == 0 && r.bare &&
	    strcmp(r.code, "4/0AbCd-ef") == 0, "a bare code");
	ok(oauth2_paste_parse("code=c&state=s", &r, &e) == 0 && !r.bare &&
	    strcmp(r.state, "s") == 0, "a bare query");
	ok(oauth2_paste_parse("http://127.0.0.1:1/?error=access_denied&state=s",
	    &r, &e) == 0 && strcmp(r.error, "access_denied") == 0,
	    "a refusal is passed on");
	err_init(&e);
	ok(oauth2_paste_parse(" \n", &r, &e) == -1 && e.ex == EX_DATAERR,
	    "nothing pasted");
	err_init(&e);
	ok(oauth2_paste_parse("http://127.0.0.1:1/?scope=x", &r, &e) == -1 &&
	    e.ex == EX_DATAERR, "an address without a code");
	err_init(&e);
	ok(oauth2_paste_parse("two words", &r, &e) == -1, "not a code");
}

/* outpost-oauth2's names and answers (oauth2_line.c) */
static void
test_line(void)
{
	struct secret *s;
	struct err e;
	char buf[256];

	ok(oauth2_line_name_ok("relay") && oauth2_line_name_ok("m365.main_2-x"),
	    "plain account names");
	ok(!oauth2_line_name_ok("") && !oauth2_line_name_ok("../oa") &&
	    !oauth2_line_name_ok("a/b") && !oauth2_line_name_ok(".hidden") &&
	    !oauth2_line_name_ok("-a") && !oauth2_line_name_ok("a b") &&
	    !oauth2_line_name_ok("a\nb"), "no path, option or space");
	memset(buf, 'x', 65);
	buf[65] = '\0';
	ok(!oauth2_line_name_ok(buf) && oauth2_line_name_ok(buf + 1),
	    "at most 64 bytes");
	err_init(&e);
	if ((s = secret_new(&e)) == NULL)
		return;
	snprintf(buf, sizeof(buf), "token ya29.abc\n");
	ok(oauth2_line_parse(buf, "a", s, &e) == 0 && s->len == 8 &&
	    strcmp(s->buf, "ya29.abc") == 0, "a token");
	snprintf(buf, sizeof(buf), "error 78 0 account a: no refresh token\n");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1 && e.ex == EX_CONFIG &&
	    (e.flags & ERR_WAIT) == 0 &&
	    strcmp(e.msg, "account a: no refresh token") == 0, "an error");
	err_init(&e);
	snprintf(buf, sizeof(buf), "error 75 1 token endpoint down\n");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1 && e.ex == EX_TEMPFAIL &&
	    (e.flags & ERR_WAIT) != 0, "an error the message may wait out");
	err_init(&e);
	snprintf(buf, sizeof(buf), "error 0 0 fine\n");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1 && e.ex == EX_TEMPFAIL,
	    "an exit code outside sysexits is 75, never success");
	err_init(&e);
	snprintf(buf, sizeof(buf), "token ya29.abc");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1 && e.ex == EX_TEMPFAIL,
	    "a cut answer");
	err_init(&e);
	snprintf(buf, sizeof(buf), "token \n");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1, "an empty token");
	err_init(&e);
	snprintf(buf, sizeof(buf), "token a b\n");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1, "a token with a space");
	err_init(&e);
	snprintf(buf, sizeof(buf), "ya29.abc\n");
	ok(oauth2_line_parse(buf, "a", s, &e) == -1 && e.ex == EX_TEMPFAIL,
	    "anything else");
	secret_free(s);
}

int
main(void)
{
	test_form();
	test_json();
	test_pkce();
	test_auth_url();
	test_device();
	test_jwt();
	test_paste();
	test_line();
	return done_testing();
}
