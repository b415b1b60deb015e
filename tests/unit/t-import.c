/*
 * t-import.c - import_msmtp(): msmtprc text in, outpost config and the
 * "not imported" report out.  One row per behaviour: msmtp's defaults
 * spelled out, defaults and inheritance resolved, account default, each
 * key's translation, each refusal, and the password never on the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "import_msmtp.h"
#include "tap.h"

#define HDR	"# outpost configuration imported from t by outpost " \
		"import-msmtprc.\n# Review it, then save it as " \
		"~/.config/outpost/config (mode 0600).\n"
#define T_LONG	(IMP_LINE_MAX + 10)
#define P20	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33"
#define P32	P20 ":44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"

static const struct {
	const char	*desc;
	const char	*in;
	int		 ex;		/* 0: success */
	const char	*out;		/* after HDR; NULL: not checked */
	const char	*diag;
} rows[] = {
	{ "msmtp's defaults written out (tls off, port 25, auth off)",
	  "account a\nhost mx.example\n", 0,
	  "\n[a]\nhost = mx.example\nport = 25\ntls = off\nauth = off\n",
	  "" },
	{ "tls on: STARTTLS on port 25",
	  "account a\nhost h\ntls on\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = starttls\nauth = off\n", "" },
	{ "tls on, tls_starttls off: implicit TLS on 465",
	  "account a\nhost h\ntls on\ntls_starttls off\n", 0,
	  "\n[a]\nhost = h\nport = 465\ntls = implicit\nauth = off\n", "" },
	{ "tls with no argument means on; explicit port kept",
	  "account a\nhost h\ntls\nport 587\n", 0,
	  "\n[a]\nhost = h\nport = 587\ntls = starttls\nauth = off\n", "" },
	{ "every copied key, in outpost's order",
	  "account a\nfrom me@x.example\nuser me\nhost h\nauth plain\n"
	  "passwordeval \"gpg -q -d ~/.pw.gpg\"\ndomain c.example\n"
	  "tls_trust_file /etc/ca.pem\ntls_cert_file c.pem\n"
	  "tls_key_file k.pem\ntimeout 30\nmaildomain x.example\n"
	  "set_from_header auto\naliases /etc/aliases\n"
	  "logfile ~/.outpost.log\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\n"
	  "tls_trust_file = /etc/ca.pem\ntls_cert_file = c.pem\n"
	  "tls_key_file = k.pem\nauth = plain\nuser = me\n"
	  "passwordeval = gpg -q -d ~/.pw.gpg\nfrom = me@x.example\n"
	  "domain = c.example\ntimeout = 30\nmaildomain = x.example\n"
	  "set_from_header = auto\naliases = /etc/aliases\n"
	  "logfile = /home/t/.outpost.log\n", "" },
	{ "msmtp's ~ in file keys is expanded (HOME is /home/t here)",
	  "account a\nhost h\ntls_trust_file ~/ca.pem\n"
	  "tls_cert_file ~/c.pem\ntls_key_file ~/k.pem\naliases ~\n"
	  "logfile ~/.msmtp.log\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\n"
	  "tls_trust_file = /home/t/ca.pem\ntls_cert_file = /home/t/c.pem\n"
	  "tls_key_file = /home/t/k.pem\nauth = off\naliases = /home/t\n"
	  "logfile = /home/t/.msmtp.log\n", "" },
	{ "defaults apply to the accounts after them only",
	  "account a\nhost h\ndefaults\ntls on\nauth on\naccount b\nhost i\n"
	  "user u\n",
	  0, "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "\n[b]\nhost = i\nport = 25\ntls = starttls\nauth = on\n"
	  "user = u\n", "" },
	{ "account b : a takes a's values, then its own",
	  "account a\nhost h\nuser u\ntls on\naccount b : a\nuser v\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = starttls\nauth = off\n"
	  "user = u\n"
	  "\n[b]\nhost = h\nport = 25\ntls = starttls\nauth = off\n"
	  "user = v\n", "" },
	{ "account default : a is outpost's account = a",
	  "account a\nhost h\naccount default : a\n", 0,
	  "\n[defaults]\naccount = a\n"
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n", "" },
	{ "a default account with values of its own is a section",
	  "account a\nhost h\naccount default : a\nfrom x@y\n", 0,
	  "\n[defaults]\naccount = default\n"
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "\n[default]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "from = x@y\n", "" },
	{ "password: imported, the report warns and never shows it",
	  "account a\nhost h\npassword s3cr3t\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "password = s3cr3t\n",
	  "line 3: password: imported as written: prefer the keyring "
	  "(outpost password set) and delete the line\n" },
	{ "quoted value: spaces kept, written back quoted",
	  "account a\nhost h\nuser \" a \\\"b\\\\ \"\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "user = \" a \\\"b\\\\ \"\n", "" },
	{ "empty user written as \"\"",
	  "account a\nhost h\nuser \"\"\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "user = \"\"\n", "" },
	{ "tls_trust_file system is outpost's default: left out",
	  "account a\nhost h\ntls_trust_file system\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n", "" },
	{ "auth LOGIN lower-cased, auth with no argument is on",
	  "account a\nhost h\nuser u\nauth LOGIN\naccount b\nhost h\n"
	  "user u\nauth\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = login\n"
	  "user = u\n"
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = on\n"
	  "user = u\n", "" },
	{ "auth cram-md5: imported as on, reported",
	  "account a\nhost h\nuser u\nauth cram-md5\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = on\n"
	  "user = u\n",
	  "line 4: auth: a method outpost does not have, imported as auth = "
	  "on (outpost picks SCRAM-SHA-256, PLAIN or LOGIN)\n" },
	{ "auth scram-sha-256 kept",
	  "account a\nhost h\nuser u\nauth SCRAM-SHA-256\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = scram-sha-256\n"
	  "user = u\n", "" },
	{ "auth xoauth2 and oauthbearer kept, with a note on the token",
	  "account a\nhost h\nuser u\nauth xoauth2\npasswordeval tok\n"
	  "account b\nhost h\nuser u\nauth OAUTHBEARER\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = xoauth2\n"
	  "user = u\npasswordeval = tok\n"
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = oauthbearer\n"
	  "user = u\n",
	  "line 4: auth: the access token comes from passwordeval as with "
	  "msmtp; outpost can also refresh it itself (oauth2_token_url, "
	  "outpost oauth2 login)\n"
	  "line 9: auth: the access token comes from passwordeval as with "
	  "msmtp; outpost can also refresh it itself (oauth2_token_url, "
	  "outpost oauth2 login)\n" },
	{ "tls_certcheck off is refused, on is silent",
	  "account a\nhost h\ntls_certcheck on\ntls_certcheck off\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n",
	  "line 4: tls_certcheck not imported: outpost always verifies the "
	  "server's certificate\n" },
	{ "timeout off reported",
	  "account a\nhost h\ntimeout off\n", 0, NULL,
	  "line 3: timeout not imported: outpost always has a timeout (its "
	  "default applies)\n" },
	{ "syslog LOG_MAIL is mail, syslog alone is on",
	  "account a\nhost h\nsyslog LOG_MAIL\naccount b\nhost h\nsyslog\n",
	  0, "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "syslog = mail\n"
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "syslog = on\n", "" },
	{ "add_missing_from_header off is set_from_header = off",
	  "account a\nhost h\nadd_missing_from_header off\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "set_from_header = off\n", "" },
	{ "keys without an equivalent, each with its line and reason",
	  "account a\nhost h\ntls_fingerprint AA:BB\nprotocol lmtp\n"
	  "logfile -\nproxy_host p\nprotocol smtp\n", 0, NULL,
	  "line 3: tls_fingerprint not imported: not a fingerprint "
	  "(colon-separated hex)\n"
	  "line 4: protocol not imported: outpost speaks SMTP only\n"
	  "line 5: logfile not imported: outpost logs to a file or syslog, "
	  "not to stdout\n" },
	{ "proxy_host and proxy_port become one socks5h:// proxy",
	  "account a\nhost h\nproxy_host 127.0.0.1\nproxy_port 9050\n"
	  "account b\nhost h\nproxy_host ::1\naccount c\nhost h\n"
	  "proxy_port 1\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "proxy = socks5h://127.0.0.1:9050\n"
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "proxy = socks5h://[::1]:1080\n"
	  "\n[c]\nhost = h\nport = 25\ntls = off\nauth = off\n",
	  "line 8: account c: proxy_port not imported: no proxy_host\n" },
	{ "dsn_notify and dsn_return copied, off is the default",
	  "account a\nhost h\ndsn_notify failure,delay\ndsn_return headers\n"
	  "account b\nhost h\ndsn_notify off\ndsn_return maybe\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "dsn_notify = failure,delay\ndsn_return = headers\n"
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = off\n",
	  "line 8: dsn_return not imported: not a value msmtp takes\n" },
	{ "source_ip copied; an empty one is msmtp's off",
	  "account a\nhost h\nsource_ip 192.0.2.1\naccount b\nhost h\n"
	  "source_ip 192.0.2.1\nsource_ip\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "source_ip = 192.0.2.1\n"
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = off\n", "" },
	{ "tls_fingerprint: a SHA-256 pin becomes sha256:...",
	  "account a\nhost h\ntls_fingerprint " P32 "\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n"
	  "tls_fingerprint = sha256:" P32 "\n", "" },
	{ "tls_fingerprint: a SHA-1 pin is refused, the way out named",
	  "account a\nhost h\ntls_fingerprint " P20 "\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n",
	  "line 3: tls_fingerprint not imported: outpost takes SHA-256 "
	  "pins only (SHA-1 and MD5 are broken): outpost doctor shows the "
	  "server's\n" },
	{ "an unknown key is reported",
	  "account a\nhost h\nfrobnicate yes\n", 0, NULL,
	  "line 3: frobnicate not imported: not an msmtp key outpost knows\n" },
	{ "a key before any account is reported",
	  "host h\naccount a\nhost i\n", 0,
	  "\n[a]\nhost = i\nport = 25\ntls = off\nauth = off\n",
	  "line 1: host not imported: not in an imported account or "
	  "defaults section\n" },
	{ "comments, blank lines, CRLF and indentation",
	  "# mine\r\n\r\n  account a\r\n\thost  h  \r\n", 0,
	  "\n[a]\nhost = h\nport = 25\ntls = off\nauth = off\n", "" },
	{ "an unusable account name: reported, its lines skipped",
	  "account a b\nhost h\naccount c\nhost i\n", 0,
	  "\n[c]\nhost = i\nport = 25\ntls = off\nauth = off\n",
	  "line 1: account not imported: outpost needs a name of letters, "
	  "digits and ._-@+ (at most 48), not \"defaults\"; its lines are "
	  "skipped\n"
	  "line 2: host not imported: not in an imported account or "
	  "defaults section\n" },
	{ "an account outpost would refuse is left out and reported",
	  "account a\nuser u\naccount b\nhost h\nauth on\n"
	  "account c\nhost h\ntls_cert_file c.pem\n"
	  "account d\nhost h\nauth external\naccount e : b\nuser u\n", 0,
	  "\n[e]\nhost = h\nport = 25\ntls = off\nauth = on\nuser = u\n",
	  "line 1: account a not imported: no host (outpost would refuse it; "
	  "accounts that inherit from it keep its values)\n"
	  "line 3: account b not imported: auth without a user (outpost "
	  "would refuse it; accounts that inherit from it keep its values)\n"
	  "line 6: account c not imported: only one of tls_cert_file and "
	  "tls_key_file (outpost would refuse it; accounts that inherit from "
	  "it keep its values)\n"
	  "line 9: account d not imported: auth external without "
	  "tls_cert_file (outpost would refuse it; accounts that inherit "
	  "from it keep its values)\n" },
	{ "a quote left open is reported",
	  "account a\nhost h\nuser \"u\n", 0, NULL,
	  "line 3: user not imported: a quote left open or a control "
	  "character\n" },
	{ "a parent not defined before is reported",
	  "account b : a\nhost h\n", 0,
	  "\n[b]\nhost = h\nport = 25\ntls = off\nauth = off\n",
	  "line 1: account: a parent account not defined before it: its "
	  "values are not taken\n" },
	{ "no account: EX_DATAERR", "defaults\ntls on\n", EX_DATAERR, NULL,
	  "" },
	{ "an account defined twice: EX_DATAERR",
	  "account a\nhost h\naccount a\n", EX_DATAERR, NULL, "" },
};

static void
run_row(size_t i, const char *in, size_t inlen)
{
	char *out, *rep, *want;
	size_t outlen, diaglen;
	FILE *fin, *fout, *fdiag;
	struct err e;
	int r;

	err_init(&e);
	fin = fmemopen((void *)in, inlen, "r");
	fout = open_memstream(&out, &outlen);
	fdiag = open_memstream(&rep, &diaglen);
	if (fin == NULL || fout == NULL || fdiag == NULL)
		abort();
	r = import_msmtp(fin, "t", fout, fdiag, &e);
	fclose(fin);
	fclose(fout);
	fclose(fdiag);
	is_int(r == 0 ? 0 : e.ex, rows[i].ex, "%s: exit class", rows[i].desc);
	if (rows[i].out != NULL) {
		if (asprintf(&want, "%s%s", HDR, rows[i].out) == -1)
			abort();
		is_str(out, want, "%s: config", rows[i].desc);
		free(want);
	}
	is_str(rep, rows[i].diag, "%s: report", rows[i].desc);
	ok(strstr(rep, "s3cr3t") == NULL, "%s: no password in the report",
	    rows[i].desc);
	free(out);
	free(rep);
}

int
main(void)
{
	char *longin;
	size_t i;

	setenv("HOME", "/home/t", 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(i, rows[i].in, strlen(rows[i].in));
	/* a line longer than the maximum is refused, not cut */
	if ((longin = malloc(T_LONG + 16)) == NULL)
		abort();
	memcpy(longin, "account a\nhost ", 15);
	memset(longin + 15, 'h', T_LONG);
	longin[15 + T_LONG] = '\n';
	{
		FILE *f, *o;
		char *out;
		size_t outlen;
		struct err e;

		err_init(&e);
		f = fmemopen(longin, T_LONG + 16, "r");
		o = open_memstream(&out, &outlen);
		is_int(import_msmtp(f, "t", o, o, &e) == -1 ? e.ex : 0,
		    EX_DATAERR, "a line longer than %d bytes: EX_DATAERR",
		    IMP_LINE_MAX);
		fclose(f);
		fclose(o);
		free(out);
	}
	free(longin);
	return done_testing();
}
