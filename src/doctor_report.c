/*
 * doctor_report.c - outpost doctor's verdict and its two renderings.
 *
 * doctor_verdict() reads the checks and probes and settles one
 * recommendation, the config lines for it and the exit code: 0 when the
 * account's configured path (any of its ports) works - or, for a bare
 * HOST, when some verified path does - else 75 when the cause looks
 * temporary (nothing answers, 4xx), 69 when it does not.  Plaintext is
 * never recommended.  The text and JSON printers show the same facts;
 * server text was sanitised when it was stored (doctor_probe.c), JSON
 * escapes it again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "doctor.h"
#include "sasl.h"
#include "transport_url.h"

#define DATE_MAX	32
#define CAPA_MAX	256

static const char *const conn_words[] = {
	[DOCTOR_NOT_RUN] = "not run", [DOCTOR_REACHABLE] = "reachable",
	[DOCTOR_REFUSED] = "refused", [DOCTOR_NO_ANSWER] = "no answer",
	[DOCTOR_UNREACHABLE] = "unreachable"
};
static const char *const auth_words[] = {
	[DOCTOR_AUTH_NOT_TRIED] = "not tried", [DOCTOR_AUTH_OK] = "accepted",
	[DOCTOR_AUTH_REJECTED] = "rejected", [DOCTOR_AUTH_FAILED] = "failed"
};

const char *
doctor_tls_word(enum tls_mode m)
{
	return m == TLS_MODE_IMPLICIT ? "implicit" : m == TLS_MODE_OFF ?
	    "off" : "starttls";
}

static const char *
date_of(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, cap, "?");
	else
		strftime(buf, cap, "%Y-%m-%d", &tm);
	return buf;
}

/* "valid", or what failed: "expired, wrong name". */
static const char *
cert_word(const struct tls_info *ti, char *buf, size_t cap)
{
	if (!ti->have_cert)
		return "none";
	if (ti->cert == 0)
		return "valid";
	snprintf(buf, cap, "%s%s%s%s",
	    ti->cert & TLS_CERT_EXPIRED ? "expired " : "",
	    ti->cert & TLS_CERT_NOT_YET ? "not-yet-valid " : "",
	    ti->cert & TLS_CERT_WRONG_NAME ? "wrong-name " : "",
	    ti->cert & TLS_CERT_UNTRUSTED ? "untrusted " : "");
	buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* Set the advice and the exit code; returns 0 for "return advise()". */
static int
advise(struct doctor_run *r, int ex, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
advise(struct doctor_run *r, int ex, const char *fmt, ...)
{
	va_list ap;

	r->ex = ex;
	va_start(ap, fmt);
	vsnprintf(r->advice, sizeof(r->advice), fmt, ap);
	va_end(ap);
	return 0;
}

static int
advise_line(struct doctor_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
advise_line(struct doctor_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nlines == DOCTOR_MAX_LINES)
		return 0;
	va_start(ap, fmt);
	vsnprintf(r->lines[r->nlines++], DOCTOR_LINE_MAX, fmt, ap);
	va_end(ap);
	return 0;
}

static int
class_of(int ex)
{
	return ex == EX_TEMPFAIL ? EX_TEMPFAIL : EX_UNAVAILABLE;
}

/*
 * No SMTP port answers at all and the provider has an HTTPS API (port
 * 443 is the one never blocked): recommend its transport.
 */
static bool
verdict_api(struct doctor_run *r)
{
	enum account_transport t = transport_for_host(r->host);
	size_t i;

	if (t == TRANSPORT_SMTP)
		return false;
	for (i = 0; i < r->nprobes; i++)
		if (r->probes[i].conn == DOCTOR_REACHABLE)
			return false;
	advise(r, EX_TEMPFAIL, "no SMTP port of %s answers from here: "
	    "outbound SMTP is blocked on this network; send over HTTPS with "
	    "the provider's API instead (outpost.conf(5), API TRANSPORTS)",
	    r->host);
	advise_line(r, "transport = %s", transport_name(t));
	return true;
}

/* Why p fails, as advice; the most specific cause first. */
static int
verdict_failure(struct doctor_run *r, const struct doctor_probe *p)
{
	char date[DATE_MAX];

	if (p->conn != DOCTOR_REACHABLE && verdict_api(r))
		return 0;
	if (p->conn != DOCTOR_REACHABLE)
		return advise(r, EX_TEMPFAIL, "nothing answers on the "
		    "configured port%s of %s from here (%s): outbound SMTP is "
		    "blocked on this network, or the host is wrong",
		    r->a != NULL && r->a->nports > 1 ? "s" : "", r->host,
		    conn_words[p->conn]);
	if (p->ti.cert & TLS_CERT_EXPIRED)
		return advise(r, EX_UNAVAILABLE, "the certificate of %s "
		    "expired on %s: the provider must renew it (do not turn "
		    "verification off)", r->host, date_of(p->ti.expires,
		    date, sizeof(date)));
	if (p->ti.cert & TLS_CERT_WRONG_NAME)
		return advise(r, EX_UNAVAILABLE, "the certificate of %s is "
		    "for other names: set host to a name it carries (the one "
		    "the provider documents)", r->host);
	if (p->ti.cert & TLS_CERT_NOT_YET)
		return advise(r, EX_UNAVAILABLE, "the certificate of %s is "
		    "not valid yet: check this machine's clock", r->host);
	if (p->ti.cert & TLS_CERT_UNTRUSTED) {
		advise(r, EX_UNAVAILABLE, "the certificate of %s is not from "
		    "a trusted CA: for a private CA, name it", r->host);
		return advise_line(r, "tls_trust_file = /path/to/ca.pem");
	}
	if (p->ehlo_code >= 500) {
		advise(r, EX_UNAVAILABLE, "%s refuses our EHLO name (%d %s): "
		    "give this machine's fully qualified name", r->host,
		    p->ehlo_code, p->ehlo_text);
		return advise_line(r, "domain = host.example.org");
	}
	return advise(r, class_of(p->ex), "%s", p->error);
}

/* Has an ok configured probe before index i the same port and mode? */
static bool
ports_seen(const struct doctor_run *r, size_t i, const struct doctor_probe *p)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (r->probes[k].configured && r->probes[k].ok &&
		    r->probes[k].port == p->port && r->probes[k].tls == p->tls)
			return true;
	return false;
}

/*
 * "port = " with p first, then every other configured port that works
 * here, in the account's order: copying the line never drops a working
 * fallback (a configured 465 behind a working 587).  Returns how many
 * ports the line holds.
 */
static size_t
advise_ports(struct doctor_run *r, const struct doctor_probe *p)
{
	char line[DOCTOR_LINE_MAX];
	const struct doctor_probe *q;
	size_t i, len, n = 1;

	snprintf(line, sizeof(line), "port = %d/%s", p->port,
	    doctor_tls_word(p->tls));
	for (i = 0; r->a != NULL && i < r->nprobes; i++) {
		q = &r->probes[i];
		if (!q->configured || !q->ok || (q->port == p->port &&
		    q->tls == p->tls) || ports_seen(r, i, q))
			continue;
		len = strlen(line);
		snprintf(line + len, sizeof(line) - len, ", %d/%s", q->port,
		    doctor_tls_word(q->tls));
		n++;
	}
	advise_line(r, "%s", line);
	return n;
}

/* The path that works: keep it, or put it first. */
static int
verdict_works(struct doctor_run *r, const struct doctor_probe *p)
{
	bool first = r->a == NULL || (r->a->ports[0].port == p->port &&
	    r->a->ports[0].tls == p->tls);

	if (r->a == NULL)
		advise(r, 0, "use %s port %d (%s)", r->host, p->port,
		    doctor_tls_word(p->tls));
	else if (first)
		advise(r, 0, "the configured path works: %s port %d (%s); "
		    "nothing to change", r->host, p->port,
		    doctor_tls_word(p->tls));
	else
		advise(r, 0, "port %d (%s) works but is not the first "
		    "configured: list it first to save a failed try",
		    p->port, doctor_tls_word(p->tls));
	if (r->a == NULL)
		advise_line(r, "host = %s", r->host);
	if (advise_ports(r, p) < (r->a != NULL ? r->a->nports : 0) && first)
		advise(r, 0, "the configured path works: %s port %d (%s); "
		    "the configured ports left out of the line below fail "
		    "from here", r->host, p->port, doctor_tls_word(p->tls));
	return 0;
}

static bool
verdict_checks(struct doctor_run *r)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].state == 0 && r->checks[i].ex != 0) {
			advise(r, class_of(r->checks[i].ex), "%s: %s",
			    r->checks[i].name, r->checks[i].detail);
			return true;
		}
	return false;
}

static int
verdict_run(struct doctor_run *r)
{
	const struct doctor_probe *p, *best = NULL, *cfg = NULL, *why = NULL;
	size_t i;

	for (i = 0; i < r->nprobes; i++) {
		p = &r->probes[i];
		/* the first configured probe that got furthest says why */
		if ((r->a == NULL || p->configured) && !p->ok && (why == NULL ||
		    (why->conn != DOCTOR_REACHABLE &&
		    p->conn == DOCTOR_REACHABLE)))
			why = p;
		if (!p->ok || (p->tls == TLS_MODE_OFF && !p->configured))
			continue;
		if (best == NULL)
			best = p;
		if (p->configured && cfg == NULL)
			cfg = p;
	}
	if (verdict_checks(r))
		return 0;
	if (r->want_auth && r->auth.auth == DOCTOR_AUTH_REJECTED)
		return advise(r, class_of(r->auth.ex), "the server rejected "
		    "the credentials (%s): check user and the password (an app "
		    "password where the provider wants one)",
		    r->auth.auth_text);
	if (r->want_auth && r->auth.auth != DOCTOR_AUTH_OK && cfg != NULL &&
	    r->a->auth != SASL_WANT_OFF)
		return advise(r, r->auth.auth == DOCTOR_AUTH_FAILED ?
		    class_of(r->auth.ex) : EX_UNAVAILABLE, "AUTH %s: %s",
		    auth_words[r->auth.auth], r->auth.auth_text);
	if (cfg != NULL || (r->a == NULL && best != NULL))
		return verdict_works(r, cfg != NULL ? cfg : best);
	if (best != NULL) {
		verdict_works(r, best);
		snprintf(r->advice, sizeof(r->advice), "the configured ports "
		    "fail here; port %d (%s) works: use it", best->port,
		    doctor_tls_word(best->tls));
		r->ex = why != NULL && why->conn != DOCTOR_REACHABLE ?
		    EX_TEMPFAIL : EX_UNAVAILABLE;
		return 0;
	}
	if (why != NULL)
		return verdict_failure(r, why);
	return advise(r, EX_TEMPFAIL, "no port of %s works from here",
	    r->host);
}

void
doctor_verdict(struct doctor_run *r)
{
	r->nlines = 0;
	if (r->a != NULL && r->a->transport != TRANSPORT_SMTP) {
		if (!verdict_checks(r))
			advise(r, 0, "transport = %s works from here",
			    transport_name(r->a->transport));
		return;
	}
	(void)verdict_run(r);
}

/* "AUTH PLAIN LOGIN, SIZE 52428800, PIPELINING, ..." */
static const char *
capa_text(const struct capa *c, char *buf, size_t cap)
{
	char names[128];
	size_t len;

	sasl_capa_names(c->auth_mechs, " ", "", names, sizeof(names));
	snprintf(buf, cap, "AUTH%s%s", names[0] != '\0' ? " " : "", names);
	if (!c->auth)
		snprintf(buf, cap, "no AUTH");
	len = strlen(buf);
	if (c->size)
		snprintf(buf + len, cap - len, ", SIZE %lu", c->size_max);
	else
		snprintf(buf + len, cap - len, ", no SIZE");
	len = strlen(buf);
	snprintf(buf + len, cap - len, ", %sPIPELINING, %sSMTPUTF8, "
	    "%sCHUNKING%s", c->pipelining ? "" : "no ",
	    c->smtputf8 ? "" : "no ", c->chunking ? "" : "no ",
	    c->starttls ? ", STARTTLS" : "");
	return buf;
}

/* "valid, expires D", "expired on D", "wrong-name, expires D" */
static void
text_cert(FILE *f, const struct tls_info *ti)
{
	char buf[CAPA_MAX], date[DATE_MAX];
	struct tls_info other = *ti;

	date_of(ti->expires, date, sizeof(date));
	other.cert &= ~(unsigned)TLS_CERT_EXPIRED;
	if ((ti->cert & TLS_CERT_EXPIRED) == 0)
		fprintf(f, "      certificate  %s, expires %s\n",
		    cert_word(ti, buf, sizeof(buf)), date);
	else
		fprintf(f, "      certificate  %s%sexpired on %s\n",
		    other.cert != 0 ? cert_word(&other, buf, sizeof(buf)) : "",
		    other.cert != 0 ? ", " : "", date);
}

static void
text_probe(FILE *f, const struct doctor_probe *p)
{
	char buf[CAPA_MAX];

	fprintf(f, "  %-24s %5d%c %-8s  %-11s %5d ms\n", p->addr, p->port,
	    p->configured ? '*' : ' ', doctor_tls_word(p->tls),
	    conn_words[p->conn], p->ms);
	if (p->greeting_code != 0)
		fprintf(f, "      greeting     %d %s\n", p->greeting_code,
		    p->greeting);
	if (p->tls_tried && p->ti.version[0] != '\0')
		fprintf(f, "      TLS          %s, %s\n", p->ti.version,
		    p->ti.cipher);
	if (p->tls_tried && p->ti.have_cert)
		text_cert(f, &p->ti);
	/* what tls_fingerprint would say for this server */
	if (p->tls_tried && p->ti.pin[0] != '\0')
		fprintf(f, "      pin          %s%s\n", p->ti.pin,
		    p->ti.pinned == 1 ? " (matches tls_fingerprint)" :
		    p->ti.pinned == -1 ? " (tls_fingerprint differs)" : "");
	if (p->have_capa)
		fprintf(f, "      EHLO%s %s\n", p->tls == TLS_MODE_STARTTLS &&
		    !p->tls_up ? " pre-TLS" : "        ",
		    capa_text(&p->capa, buf, sizeof(buf)));
	if (!p->ok && p->conn == DOCTOR_REACHABLE)
		fprintf(f, "      error        %s\n", p->error);
}

void
doctor_print_text(FILE *f, const struct doctor_run *r)
{
	const char *mark[] = { "FAIL", "ok", "-" };
	size_t i;

	fprintf(f, "outpost doctor: %s%s%shost %s\n\n", r->a != NULL ?
	    "account " : "", r->a != NULL ? r->a->name : "",
	    r->a != NULL ? ", " : "", r->host);
	for (i = 0; i < r->nchecks; i++)
		fprintf(f, "  %-12s %-4s  %s\n", r->checks[i].name,
		    mark[r->checks[i].state == -1 ? 2 : r->checks[i].state],
		    r->checks[i].detail);
	if (r->nprobes > 0)
		fprintf(f, "\n  %-24s %5s  %-8s  %-11s %8s\n", "ADDRESS",
		    "PORT", "TLS", "CONNECT", "TIME");
	for (i = 0; i < r->nprobes; i++)
		text_probe(f, &r->probes[i]);
	for (i = 0; r->a != NULL && i < r->nprobes; i++)
		if (r->probes[i].configured) {
			fprintf(f, "  (* a port of the account)\n");
			break;
		}
	if (r->want_auth)
		fprintf(f, "\n  AUTH         %s%s%s\n",
		    auth_words[r->auth.auth], r->auth.auth_text[0] != '\0' ?
		    ": " : "", r->auth.auth_text);
	fprintf(f, "\nRecommendation: %s\n", r->advice);
	for (i = 0; i < r->nlines; i++)
		fprintf(f, "    %s\n", r->lines[i]);
}

/* A JSON string; bytes >= 0x80 as \u00XX: the output is always ASCII. */
static void
json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void
json_capa(FILE *f, const struct capa *c)
{
	char names[160];

	sasl_capa_names(c->auth_mechs, ", ", "\"", names, sizeof(names));
	fprintf(f, "{\"auth\": [%s", names);
	if (c->size)
		fprintf(f, "], \"size\": %lu", c->size_max);
	else
		fputs("], \"size\": null", f);
	fprintf(f, ", \"pipelining\": %s, "
	    "\"smtputf8\": %s, \"chunking\": %s, \"starttls\": %s}",
	    c->pipelining ? "true" : "false", c->smtputf8 ? "true" : "false",
	    c->chunking ? "true" : "false", c->starttls ? "true" : "false");
}

static void
json_probe(FILE *f, const struct doctor_probe *p)
{
	char buf[CAPA_MAX], date[DATE_MAX];

	fputs("{\"address\": ", f);
	json_str(f, p->addr);
	fprintf(f, ", \"port\": %d, \"tls_mode\": \"%s\", \"configured\": "
	    "%s, \"connect\": \"%s\", \"ms\": %d, \"ok\": %s",
	    p->port, doctor_tls_word(p->tls), p->configured ? "true" : "false",
	    conn_words[p->conn], p->ms, p->ok ? "true" : "false");
	fputs(", \"greeting\": ", f);
	json_str(f, p->greeting_code != 0 ? p->greeting : NULL);
	fprintf(f, ", \"greeting_code\": %d, \"tls\": ", p->greeting_code);
	if (p->tls_tried && p->ti.version[0] != '\0') {
		fputs("{\"version\": ", f);
		json_str(f, p->ti.version);
		fputs(", \"cipher\": ", f);
		json_str(f, p->ti.cipher);
		fputs("}", f);
	} else
		fputs("null", f);
	fputs(", \"certificate\": ", f);
	if (p->tls_tried && p->ti.have_cert) {
		fputs("{\"status\": ", f);
		json_str(f, cert_word(&p->ti, buf, sizeof(buf)));
		fputs(", \"expires\": ", f);
		json_str(f, date_of(p->ti.expires, date, sizeof(date)));
		fputs(", \"pin\": ", f);
		json_str(f, p->ti.pin[0] != '\0' ? p->ti.pin : NULL);
		fputs(", \"spki_pin\": ", f);
		json_str(f, p->ti.spki_pin[0] != '\0' ? p->ti.spki_pin : NULL);
		fprintf(f, ", \"pinned\": %s", p->ti.pinned == 0 ? "null" :
		    p->ti.pinned == 1 ? "true" : "false");
		fputs("}", f);
	} else
		fputs("null", f);
	fprintf(f, ", \"ehlo_after_tls\": %s, \"ehlo\": ",
	    p->tls_up ? "true" : "false");
	if (p->have_capa)
		json_capa(f, &p->capa);
	else
		fputs("null", f);
	fputs(", \"error\": ", f);
	json_str(f, p->ok ? NULL : p->error);
	fputs("}", f);
}

void
doctor_print_json(FILE *f, const struct doctor_run *r)
{
	const char *states[] = { "failed", "ok", "skipped" };
	size_t i;

	fprintf(f, "{\"version\": %d, \"host\": ", DOCTOR_JSON_VERSION);
	json_str(f, r->host);
	fputs(", \"account\": ", f);
	json_str(f, r->a != NULL ? r->a->name : NULL);
	fputs(", \"checks\": [", f);
	for (i = 0; i < r->nchecks; i++) {
		fprintf(f, "%s{\"name\": ", i > 0 ? ", " : "");
		json_str(f, r->checks[i].name);
		fprintf(f, ", \"state\": \"%s\", \"detail\": ",
		    states[r->checks[i].state == -1 ? 2 : r->checks[i].state]);
		json_str(f, r->checks[i].detail);
		fputs("}", f);
	}
	fputs("], \"probes\": [", f);
	for (i = 0; i < r->nprobes; i++) {
		fputs(i > 0 ? ", " : "", f);
		json_probe(f, &r->probes[i]);
	}
	fputs("], \"auth\": ", f);
	if (r->want_auth) {
		fprintf(f, "{\"result\": \"%s\", \"detail\": ",
		    auth_words[r->auth.auth]);
		json_str(f, r->auth.auth_text);
		fputs("}", f);
	} else
		fputs("null", f);
	fputs(", \"recommendation\": ", f);
	json_str(f, r->advice);
	fputs(", \"config\": [", f);
	for (i = 0; i < r->nlines; i++) {
		fputs(i > 0 ? ", " : "", f);
		json_str(f, r->lines[i]);
	}
	fprintf(f, "], \"exit\": %d}\n", r->ex);
}
