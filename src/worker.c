/*
 * worker.c - a blocking call in a thread, waited for under a deadline.
 *
 * The caller and the thread share one struct worker under its mutex;
 * whichever of them finishes last frees it: the caller when the call
 * ended in time, else the thread (marked abandoned), which also drops
 * the job.  The condition variable runs on CLOCK_MONOTONIC so that a
 * change of the wall clock neither shortens nor stretches the wait.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "worker.h"

struct worker {
	pthread_mutex_t	  mu;
	pthread_cond_t	  cv;
	bool		  done;
	bool		  abandoned;	/* the caller gave up: thread frees */
	void		(*run)(void *);
	void		(*drop)(void *);
	void		 *job;
};

static void
worker_free(struct worker *w)
{
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	bool abandoned;

	w->run(w->job);
	pthread_mutex_lock(&w->mu);
	w->done = true;
	abandoned = w->abandoned;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (abandoned) {
		w->drop(w->job);
		worker_free(w);
	}
	return NULL;
}

/* The absolute CLOCK_MONOTONIC time ms from now. */
static void
worker_until(int ms, struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
worker_run(void (*run)(void *), void (*drop)(void *), void *job, int ms)
{
	pthread_condattr_t ca;
	struct timespec ts;
	struct worker *w;
	pthread_t t;
	bool done;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->run = run;
	w->drop = drop;
	w->job = job;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, worker_main, w) != 0) {
		worker_free(w);
		return -1;
	}
	worker_until(ms, &ts);
	pthread_mutex_lock(&w->mu);
	while (!w->done)
		if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
			break;
	done = w->done;
	w->abandoned = !done;
	pthread_mutex_unlock(&w->mu);
	if (!done) {
		pthread_detach(t);	/* it frees w and the job when done */
		return 0;
	}
	pthread_join(t, NULL);
	worker_free(w);
	return 1;
}
