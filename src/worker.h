/*
 * worker.h - run a blocking call in a thread under a deadline.
 *
 * Some calls have no deadline of their own (getaddrinfo(), libsecret's
 * D-Bus calls): a hung resolver or keyring daemon would hang the send.
 * worker_run() runs such a call in a thread and waits for it at most a
 * given time; past that the caller goes on and the thread, when it
 * finishes, frees the job itself.  The job must therefore own everything
 * the call touches (copies, not pointers into the caller's memory).
 */
#ifndef OUTPOST_WORKER_H
#define OUTPOST_WORKER_H

/*
 * run(job) in a thread, waiting up to ms.  1: it finished, job is the
 * caller's again; 0: time ran out, the thread now owns job and calls
 * drop(job) when run returns - do not touch job again; -1: no thread
 * could be started (nothing ran, job is the caller's).
 */
int	worker_run(void (*run)(void *job), void (*drop)(void *job), void *job,
	    int ms);

#endif
