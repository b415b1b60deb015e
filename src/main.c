/*
 * main.c - outpost: personality, process set-up, the order of the phases,
 * and the only exit().
 *
 * Phases (each holds only what it needs): command line -> configuration
 * -> envelope checks -> the message, spooled -> credentials -> deliver.
 * Nothing touches the network before the message is safe on disk and the
 * password is in hand, so no server idles while a helper or keyring works.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "aliases.h"
#include "bs.h"
#include "cfg.h"
#include "cli.h"
#include "cli_cmd.h"
#include "cmd.h"
#include "cmd_import.h"
#include "cmd_password.h"
#include "cred.h"
#include "deadline.h"
#include "deliver.h"
#include "err.h"
#include "hostname.h"
#include "local.h"
#include "log.h"
#include "msg.h"
#include "oauth2.h"
#include "priv.h"
#include "msglog.h"
#include "queue.h"
#include "queue_run.h"
#include "spool.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

struct job {
	struct opts		 o;
	struct config		 cfg;
	const struct account	*a;
	char			 sender[ADDR_MAX + 1];
	bool			 from_arg;	/* sender came from -f */
	char			 domain[HOSTNAME_MAX + 1];	/* "" if none */
	bool			 utf8;		/* non-ASCII envelope */
	char			**rcpts;
	size_t			 nrcpts;
	struct msg_info		 mi;
	int			 spool;
	struct secret		*pw;
	char			 queue_fail[ERR_MSG_MAX];	/* why not */
	struct secret		*fpw;	/* the fallback's, if in cfg */
	struct aliases		 al;	/* loaded at the first local rcpt */
	char			 acct_from[ADDR_MAX + 1];	/* expanded */
	struct local_hdr	 lh;
	int			 in_fd;		/* the message: stdin, or -bs */
	char			 queued_id[QUEUE_ID_LEN + 1];
	struct deliver_used	 used;	/* for the log line */
	struct err		 qerr;	/* why it was queued */
	bool			 sending;	/* the message was read */
};

static void
on_term(int sig)
{
	(void)sig;
	/* the spool has no name: nothing is left behind */
	_exit(EX_TEMPFAIL);
}

/*
 * A daemon may start us with 0, 1 or 2 closed: the spool would take that
 * number and stderr writes would land in the message.
 */
static void
fds_ensure(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EX_OSERR);
}

static void
process_setup(void)
{
	struct sigaction sa;
	struct rlimit rl = { 0, 0 };

	fds_ensure();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	umask(077);
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &rl);
}

/*
 * -f as it will be on the wire, before the account is picked by it.  A
 * local name (cron's "-f root", root@thishost) is ignored: the account's
 * from wins.
 */
static int
job_from_arg(struct job *j, struct err *e)
{
	const char *f = j->o.from;
	char name[ADDR_MAX + 1];

	if (f == NULL || (strcmp(f, "<>") != 0 && f[0] != '\0' &&
	    local_addr(f, name, sizeof(name))))
		return 0;
	j->from_arg = true;
	return addr_check(f, true, j->sender, &j->utf8, EX_USAGE, e);
}

/* Envelope sender: -f (see job_from_arg), else the account's. */
static int
job_sender(struct job *j, struct err *e)
{
	char *from = j->acct_from;
	bool utf8 = false;

	if (local_from(j->a, from, sizeof(j->acct_from), e) == -1)
		return -1;
	if (j->from_arg)
		return 0;
	if (from[0] == '\0')
		return err_set(e, EX_CONFIG, "account %s: no envelope sender: "
		    "set from = in the configuration or pass -f", j->a->name);
	if (addr_check(from, false, j->sender, &utf8, EX_CONFIG, e) == -1)
		return -1;
	j->utf8 = utf8;
	if (strchr(j->sender, '@') == NULL)
		return err_set(e, EX_CONFIG, "account %s: from = %s has no "
		    "domain", j->a->name, j->sender);
	return 0;
}

static int
job_domain(struct job *j, struct err *e)
{
	if (j->a->domain != NULL) {
		if (!hostname_usable(j->a->domain))
			return err_set(e, EX_CONFIG, "account %s: domain = %s "
			    "is not a fully qualified host name", j->a->name,
			    j->a->domain);
		snprintf(j->domain, sizeof(j->domain), "%s", j->a->domain);
		return 0;
	}
	if (hostname_fqdn(j->domain, sizeof(j->domain)))
		return 0;
	j->domain[0] = '\0';
	return 0;
}

/* Add a checked address once (also the aliases_cb of local_rcpt). */
static int
rcpt_alias(void *arg, const char *addr, struct err *e)
{
	struct job *j = arg;
	char buf[ADDR_MAX + 1];
	bool utf8 = false;
	size_t i;

	if (addr_check(addr, false, buf, &utf8, EX_CONFIG, e) == -1)
		return -1;
	for (i = 0; i < j->nrcpts; i++)
		if (strcmp(j->rcpts[i], buf) == 0)
			return 0;
	if (j->nrcpts == MSG_MAX_RCPTS)
		return err_set(e, EX_USAGE, "more than %d recipients",
		    MSG_MAX_RCPTS);
	if ((j->rcpts[j->nrcpts] = strdup(buf)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	j->nrcpts++;
	j->utf8 |= utf8;
	return 0;
}

static int
rcpt_add(struct job *j, const char *addr, int ex, struct err *e)
{
	char buf[ADDR_MAX + 1];
	bool utf8 = false;
	int r;

	if (addr_check(addr, false, buf, &utf8, ex, e) == -1)
		return -1;
	/* a bare name never comes back: it has an alias or fails */
	if ((r = local_rcpt(j->a, &j->al, buf, rcpt_alias, j, e)) != 0)
		return r == 1 ? 0 : -1;
	return rcpt_alias(j, buf, e);
}

static int
job_message(struct job *j, struct err *e)
{
	struct msg_opts mo;
	const char *at;
	size_t i;

	memset(&mo, 0, sizeof(mo));
	mo.dot_ends = j->o.dot_ends;
	mo.read_rcpts = j->o.read_rcpts;
	mo.sender = j->sender[0] != '\0' ? j->sender : NULL;
	mo.fullname = j->o.fullname;
	/* else the sender's domain, when it has a usable one */
	at = strrchr(j->sender, '@');
	mo.domain = j->domain[0] != '\0' ? j->domain :
	    at != NULL && hostname_usable(at + 1) ? at + 1 :
	    "localhost.invalid";
	mo.now = time(NULL);
	if (local_msg_opts(j->a, &j->al, j->acct_from[0] != '\0' ?
	    j->acct_from : j->sender, &j->lh, &mo, e) == -1)
		return -1;
	if ((j->spool = spool_open(NULL, e)) == -1)
		return -1;
	if (msg_read(j->in_fd, &mo, j->spool, &j->mi, e) == -1)
		return -1;
	for (i = 0; i < j->mi.nrcpts; i++)
		if (rcpt_add(j, j->mi.rcpts[i], EX_DATAERR, e) == -1)
			return -1;
	if (j->nrcpts == 0)
		return err_set(e, EX_USAGE, "no recipients (give them as "
		    "arguments, or use -t)");
	return 0;
}

/*
 * The delivery failed for now (e, 75): commit the message to the queue
 * and succeed, or fail with both reasons.
 */
static int
job_queue(struct job *j, struct err *e)
{
	char note[QUEUE_NOTE_MAX];
	struct qenv qe;
	struct err qerr;

	memset(&qe, 0, sizeof(qe));
	qe.account = j->a->name;
	qe.sender = j->sender;
	qe.rcpts = (const char **)j->rcpts;
	qe.nrcpts = j->nrcpts;
	qe.created = queue_now();
	qe.attempts = 1;
	qe.next_try = qe.created + queue_backoff(1);
	snprintf(qe.last_error, sizeof(qe.last_error), "%s", e->msg);
	qe.dup_risk = (e->flags & ERR_DUP_RISK) != 0;
	qe.smtputf8 = j->utf8;
	qe.eightbit = j->mi.eightbit;
	qe.size = j->mi.size;
	qe.uid = getuid();
	err_init(&qerr);
	if (priv_queue_commit(j->a, j->spool, &qe, &qerr) == -1) {
		snprintf(j->queue_fail, sizeof(j->queue_fail), "%s",
		    qerr.msg);
		return -1;
	}
	snprintf(j->queued_id, sizeof(j->queued_id), "%s", qe.id);
	j->qerr = *e;
	queue_note_queued(&qe, j->a, note, sizeof(note));
	fprintf(stderr, "outpost: %s\n", note);
	err_init(e);
	return 0;
}

static int
job_deliver(struct job *j, struct err *e)
{
	struct deliver_req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.cfg = &j->cfg;
	r.a = j->a;
	r.sender = j->sender;
	r.rcpts = j->rcpts;
	r.nrcpts = j->nrcpts;
	r.need_smtputf8 = j->utf8;
	r.eightbit = j->mi.eightbit;
	r.spool_fd = j->spool;
	r.size = j->mi.size;
	r.pw = j->pw;
	r.fallback_pw = j->fpw;
	r.ehlo_name = j->domain[0] != '\0' ? j->domain : NULL;
	r.used = &j->used;
	rc = deliver(&r, e);
	/* a refused token outpost refreshes itself: once more, anew */
	if (rc == -1 && oauth2_refresh_retry(j->a, &j->pw, e) == 1) {
		r.pw = j->pw;
		r.used = &j->used;
	rc = deliver(&r, e);
	}
	if (rc == -1) {
		if (e->ex != EX_TEMPFAIL)
			return -1;
		if (!j->a->queue) {
			log_debug("not queued (queue = off)");
			return -1;
		}
		return job_queue(j, e);
	}
	log_debug("delivered to %zu recipient%s", j->nrcpts,
	    j->nrcpts == 1 ? "" : "s");
	return 0;
}

static int
job_run(struct job *j, struct err *e)
{
	size_t i;

	if (cfg_load(j->o.config, &j->cfg, e) == -1)
		return -1;
	if (job_from_arg(j, e) == -1)
		return -1;
	j->a = cfg_pick(&j->cfg, j->o.account, j->sender[0] != '\0' ?
	    j->sender : NULL, e);
	if (j->a == NULL || job_sender(j, e) == -1 ||
	    priv_ready(&j->cfg, j->a, j->from_arg ? j->sender : NULL, e) ==
	    -1 || job_domain(j, e) == -1 || msglog_check(j->a, e) == -1)
		return -1;
	j->rcpts = calloc(MSG_MAX_RCPTS, sizeof(*j->rcpts));
	if (j->rcpts == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	for (i = 0; i < j->o.nrcpts; i++)
		if (rcpt_add(j, j->o.rcpts[i], EX_USAGE, e) == -1)
			return -1;
	if (job_message(j, e) == -1)
		return -1;
	j->sending = true;
	if (cred_get(j->a, &j->pw, e) == -1 ||
	    deliver_fallback_pw(&j->cfg, j->a, &j->fpw, e) == -1)
		return -1;
	cfg_forget_secrets(&j->cfg);
	return job_deliver(j, e);
}

/* A message from the command line or -bs, and its log line. */
static int
job_send(struct job *j, struct err *e)
{
	struct msglog_rec lr;
	int64_t t0 = deadline_now_ms();
	int r;

	r = job_run(j, e);
	if (!j->sending)
		return r;
	memset(&lr, 0, sizeof(lr));
	lr.a = j->a;
	lr.used = &j->used;
	lr.from = j->sender;
	lr.rcpts = j->rcpts;
	lr.nrcpts = j->nrcpts;
	lr.size = j->mi.size;
	lr.e = j->queued_id[0] != '\0' ? &j->qerr : e;
	lr.queued = j->queued_id[0] != '\0' ? j->queued_id : NULL;
	lr.ms = deadline_now_ms() - t0;
	msglog_write(&j->cfg, &lr);
	return r;
}

/* -bp, -q, --drop: the queue of every account in the config. */
static int
job_queue_mode(struct job *j, struct err *e)
{
	struct queue_run_opts ro;
	struct queue_run_stats st;
	char qid[QUEUE_ID_LEN + 1];

	if (cfg_load(j->o.config, &j->cfg, e) == -1 ||
	    priv_ready(&j->cfg, NULL, NULL, e) == -1)
		return -1;
	if (j->o.queue_id != NULL) {	/* a unique prefix will do */
		if (queue_id_resolve(&j->cfg, j->o.queue_id, qid, e) == -1)
			return -1;
		j->o.queue_id = qid;
	}
	switch (j->o.mode) {
	case CLI_MODE_QUEUE_LIST:
		return queue_list(&j->cfg, stdout, e);
	case CLI_MODE_QUEUE_DROP:
		if (queue_drop(&j->cfg, j->o.queue_id, e) == -1)
			return -1;
		printf("dropped %s\n", j->o.queue_id);
		return 0;
	default:
		break;
	}
	memset(&ro, 0, sizeof(ro));
	ro.flush = j->o.flush;
	ro.id = j->o.queue_id;
	if (queue_run(&j->cfg, &ro, &st, e) == -1)
		return -1;
	log_debug("queue run: %u delivered, %u deferred, %u returned, %u not "
	    "due yet", st.delivered, st.deferred, st.bounced, st.skipped);
	return 0;
}

static void job_free(struct job *);

/* bs_submit_fn: each -bs message is a job of its own (config re-read). */
static void
job_bs_submit(void *arg, const struct bs_msg *m, char *reply, size_t cap)
{
	const struct job *parent = arg;
	struct job j;
	struct err e;

	memset(&j, 0, sizeof(j));
	j.spool = -1;
	j.o = parent->o;
	j.o.mode = CLI_MODE_SEND;
	j.o.read_rcpts = false;
	j.o.dot_ends = false;
	j.o.from = m->sender[0] != '\0' ? m->sender : "<>";
	j.o.rcpts = (char **)m->rcpts;
	j.o.nrcpts = m->nrcpts;
	j.in_fd = m->body_fd;
	err_init(&e);
	job_send(&j, &e);
	bs_reply_for(&e, j.queued_id, reply, cap);
	if (err_is_set(&e))
		fprintf(stderr, "outpost: -bs: %s\n", e.msg);
	job_free(&j);
}

static int
job_bs(struct job *j, struct err *e)
{
	char name[HOSTNAME_MAX + 1];

	if (!hostname_fqdn(name, sizeof(name)))
		snprintf(name, sizeof(name), "localhost");
	return bs_serve(STDIN_FILENO, STDOUT_FILENO, name, job_bs_submit, j,
	    e);
}

static void
job_free(struct job *j)
{
	size_t i;

	secret_free(j->pw);
	secret_free(j->fpw);
	msg_info_free(&j->mi);
	for (i = 0; i < j->nrcpts; i++)
		free(j->rcpts[i]);
	free(j->rcpts);
	cfg_free(&j->cfg);
	aliases_free(&j->al);
	if (j->spool != -1)
		close(j->spool);
}

/* What the caller should know beyond the failure itself. */
static const char *
err_hint(const struct job *j, const struct err *e)
{
	static char buf[ERR_MSG_MAX + 64];

	if (j->queue_fail[0] != '\0') {
		snprintf(buf, sizeof(buf), " (not delivered, and not queued: "
		    "%s)", j->queue_fail);
		return buf;
	}
	if (e->flags & ERR_DUP_RISK)
		return " (the server may have taken the message for some or "
		    "all recipients: a retry can deliver a duplicate)";
	if (e->ex != EX_TEMPFAIL || j->o.mode != CLI_MODE_SEND)
		return "";
	return " (not delivered, not queued: try again later)";
}

int
main(int argc, char **argv)
{
	struct cli_call sc;
	struct job j;
	struct err e;
	int sub;

	process_setup();
	memset(&j, 0, sizeof(j));
	j.spool = -1;
	err_init(&e);
	if ((sub = cli_cmd_find(argc, argv, &sc, &e)) == 1) {
		log_set_verbose(sc.verbose);
		if (priv_init(NULL, &e) == 0)
			sc.run(sc.argc, sc.argv, &e);
	} else if (sub == 0 && cli_parse(argc, argv, &j.o, &e) == 0 &&
	    priv_init(&j.o, &e) == 0) {
		log_set_verbose(j.o.verbose);
		switch (j.o.mode) {
		case CLI_MODE_VERSION:
			printf("outpost %s\n", PACKAGE_VERSION);
			break;
		case CLI_MODE_HELP:
			cli_usage(stdout);
			break;
		case CLI_MODE_QUEUE_LIST:
		case CLI_MODE_QUEUE_RUN:
		case CLI_MODE_QUEUE_DROP:
			job_queue_mode(&j, &e);
			break;
		case CLI_MODE_SEND:
			job_send(&j, &e);
			break;
		case CLI_MODE_SMTP:
			job_bs(&j, &e);
			break;
		}
	}
	job_free(&j);
	if (err_is_set(&e)) {
		fprintf(stderr, "outpost: %s%s\n", e.msg,
		    sub == 0 ? err_hint(&j, &e) : "");
		return e.ex;
	}
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}
