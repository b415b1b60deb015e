/*
 * t-socks5.c - the SOCKS5 client's pure parts: proxy URLs (accepted and
 * refused, a password in the URL above all), the RFC 1928 method offer
 * and CONNECT request bytes, the RFC 1929 request, reply lengths and
 * reply codes with their exit codes.
 */
#include <string.h>
#include <sysexits.h>

#include "socks5.h"
#include "tap.h"

static const struct {
	const char	*url;
	int		 rc;
	const char	*host;
	int		 port;
	int		 remote;
	const char	*user;
} urls[] = {
	{ "socks5://127.0.0.1:1080", 0, "127.0.0.1", 1080, 0, "" },
	{ "socks5h://proxy.example:9050", 0, "proxy.example", 9050, 1, "" },
	{ "socks5h://u@proxy.example:9050", 0, "proxy.example", 9050, 1, "u" },
	{ "socks5://[::1]:1081", 0, "::1", 1081, 0, "" },
	{ "socks5://[::1]", 0, "::1", 1080, 0, "" },
	{ "socks5://proxy.example", 0, "proxy.example", 1080, 0, "" },
	{ "socks5://u:pw@proxy.example:1080", -1, NULL, 0, 0, NULL },
	{ "socks4://proxy.example:1080", -1, NULL, 0, 0, NULL },
	{ "http://proxy.example:3128", -1, NULL, 0, 0, NULL },
	{ "socks5://proxy.example:0", -1, NULL, 0, 0, NULL },
	{ "socks5://proxy.example:65536", -1, NULL, 0, 0, NULL },
	{ "socks5://proxy.example:10x", -1, NULL, 0, 0, NULL },
	{ "socks5://:1080", -1, NULL, 0, 0, NULL },
	{ "socks5://[::1:1080", -1, NULL, 0, 0, NULL },
	{ "socks5://[::1]x", -1, NULL, 0, 0, NULL },
	{ "socks5://proxy.example/x:1", -1, NULL, 0, 0, NULL },
	{ "socks5://@proxy.example:1", -1, NULL, 0, 0, NULL },
};

static void
t_parse(void)
{
	struct socks5 p;
	const char *why;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		why = NULL;
		rc = socks5_parse(urls[i].url, &p, &why);
		if (urls[i].rc == -1) {
			ok(rc == -1 && why != NULL, "refused: %s", urls[i].url);
			continue;
		}
		ok(rc == 0 && strcmp(p.host, urls[i].host) == 0 &&
		    p.port == urls[i].port && p.remote_dns == urls[i].remote &&
		    strcmp(p.user, urls[i].user) == 0, "parsed: %s",
		    urls[i].url);
	}
	socks5_parse("socks5://u:pw@h:1", &p, &why);
	ok(strstr(why, "proxy_password") != NULL, "a password in the URL: "
	    "told where it goes (%s)", why);
}

static void
t_messages(void)
{
	unsigned char out[SOCKS5_MSG_MAX];
	struct socks5 p;
	const char *why;
	size_t len = 0;

	socks5_parse("socks5h://alice@h:1", &p, &why);
	p.password = "pw";
	is_mem(out, socks5_hello(&p, out), "\x05\x02\x00\x02", 4,
	    "offer: none and username/password");
	ok(socks5_auth_msg(&p, out, sizeof(out), &len) == 0, "auth built");
	is_mem(out, len, "\x01\x05" "alice" "\x02" "pw", 10, "RFC 1929");
	p.user[0] = '\0';
	is_mem(out, socks5_hello(&p, out), "\x05\x01\x00", 3, "offer: none");
	ok(socks5_auth_msg(&p, out, sizeof(out), &len) == -1,
	    "no auth message without a user");
	ok(socks5_connect_msg("mx.example", true, 587, out, sizeof(out),
	    &len) == 0, "CONNECT by name");
	is_mem(out, len, "\x05\x01\x00\x03\x0amx.example\x02\x4b", 17,
	    "name, length-prefixed, port 587");
	socks5_connect_msg("192.0.2.25", false, 25, out, sizeof(out), &len);
	is_mem(out, len, "\x05\x01\x00\x01\xc0\x00\x02\x19\x00\x19", 10,
	    "IPv4");
	socks5_connect_msg("2001:db8::1", false, 465, out, sizeof(out), &len);
	ok(len == 22 && out[3] == 4 && out[4] == 0x20 && out[20] == 0x01 &&
	    out[21] == 0xd1, "IPv6");
	ok(socks5_connect_msg("mx.example", false, 25, out, sizeof(out),
	    &len) == -1, "a name where an address is required: refused");
	socks5_connect_msg("127.0.0.1", true, 25, out, sizeof(out), &len);
	ok(out[3] == 1, "an IP literal goes as an address even by name");
}

static void
t_replies(void)
{
	struct err e;

	is_int(socks5_reply_len((const unsigned char *)"\x05\x00\x00\x01\x7f"),
	    10, "IPv4 reply: 10 bytes");
	is_int(socks5_reply_len((const unsigned char *)"\x05\x00\x00\x04\x00"),
	    22, "IPv6 reply: 22 bytes");
	is_int(socks5_reply_len((const unsigned char *)"\x05\x00\x00\x03\x03"),
	    10, "name reply: 4 + 1 + 3 + 2");
	is_int(socks5_reply_len((const unsigned char *)"\x05\x00\x00\x03\x00"),
	    -1, "an empty name: malformed");
	is_int(socks5_reply_len((const unsigned char *)"\x05\x00\x00\x09\x00"),
	    -1, "unknown address type");
	is_int(socks5_reply_len((const unsigned char *)"\x04\x00\x00\x01\x00"),
	    -1, "not version 5");
	err_init(&e);
	ok(socks5_reply_check((const unsigned char *)"\x05\x00", "t", &e) ==
	    0, "0: succeeded");
	ok(socks5_reply_check((const unsigned char *)"\x05\x05", "t", &e) ==
	    -1 && e.ex == EX_TEMPFAIL && strstr(e.msg, "refused") != NULL,
	    "5: connection refused, 75");
	err_init(&e);
	ok(socks5_reply_check((const unsigned char *)"\x05\x02", "t", &e) ==
	    -1 && e.ex == EX_UNAVAILABLE, "2: not allowed, 69");
	err_init(&e);
	ok(socks5_reply_check((const unsigned char *)"\x05\x42", "t", &e) ==
	    -1 && e.ex == EX_PROTOCOL, "unknown code: 76");
}

int
main(void)
{
	t_parse();
	t_messages();
	t_replies();
	return done_testing();
}
